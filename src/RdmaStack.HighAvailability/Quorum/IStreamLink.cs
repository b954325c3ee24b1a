namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// What a stream over the transport adds to the stream seam: its housekeeping, which a thread that waits on another
/// stream must keep calling (heartbeats stop otherwise and the peer declares the link dead), and whether a link
/// carries it. In-process test streams have neither and do not implement it.
/// </summary>
internal interface IStreamLink
{
    /// <summary>Housekeeping: heartbeats, completions, links put in place.</summary>
    /// <returns>Work done.</returns>
    int DoWork();

    /// <summary>True while a link carries the stream.</summary>
    bool IsConnected { get; }
}
