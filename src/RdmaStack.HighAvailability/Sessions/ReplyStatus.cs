namespace RdmaStack.HighAvailability.Sessions;

/// <summary>What a server says in reply to a client's request.</summary>
public enum ReplyStatus : byte
{
    /// <summary>The request was processed (now or before); the reply carries its output.</summary>
    Processed = 1,

    /// <summary>This server is not the primary: the request was dropped; send it to the other server.</summary>
    NotPrimary = 2,

    /// <summary>
    /// A repeat of a request so old that its reply is no longer held (the client went past its window).
    /// </summary>
    TooOld = 3,

    /// <summary>The request was malformed or longer than a replicated input can carry; it was not processed.</summary>
    Rejected = 4,
}
