namespace RdmaStack.Samples.OrderMatching;

/// <summary>What the engine did with a request.</summary>
public enum OrderOutcome : byte
{
    /// <summary>A new order was accepted (and matched, rested, or both).</summary>
    Accepted = 1,

    /// <summary>The request was refused; see <see cref="RejectReason"/>.</summary>
    Rejected = 2,

    /// <summary>The order was cancelled; its remaining quantity left the book.</summary>
    Cancelled = 3,

    /// <summary>The order was replaced (and matched, rested, or both).</summary>
    Replaced = 4,
}
