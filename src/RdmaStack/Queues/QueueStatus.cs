namespace RdmaStack.Queues;

/// <summary>
/// Status codes returned by <see cref="SegmentedQueueWriter.Offer"/> and
/// <see cref="SegmentedQueueWriter.TryClaim"/> in place of a sequence number (which is always positive).
/// The data path never throws for these conditions and never blocks.
/// </summary>
public static class QueueStatus
{
    /// <summary>The channel has no peer yet, or lost it; nothing was written.</summary>
    public const long NotConnected = -1;

    /// <summary>The next segment still holds the reader's head, or the send queue is full; retry later.</summary>
    public const long BackPressured = -2;

    /// <summary>The stream is switching links; retry shortly.</summary>
    public const long FailingOver = -3;

    /// <summary>The writer was disposed.</summary>
    public const long Closed = -4;

    /// <summary>Whether <paramref name="status"/> says "not now" rather than "never": back-pressure, a failover in
    /// progress, or no link connected yet (a fabric connects and re-establishes links by itself). Retry after the
    /// stream's housekeeping has run; <see cref="Closed"/> is final.</summary>
    /// <param name="status">A value returned by Offer, TryClaim or Commit.</param>
    /// <returns>True for <see cref="BackPressured"/>, <see cref="FailingOver"/> and <see cref="NotConnected"/>.</returns>
    public static bool IsRetryable(long status) => status is BackPressured or FailingOver or NotConnected;

    /// <summary>A short name for a status code, or "sequence N" for a positive value.</summary>
    /// <param name="status">A value returned by Offer or TryClaim.</param>
    /// <returns>The name.</returns>
    public static string Describe(long status) => status switch
    {
        NotConnected => nameof(NotConnected),
        BackPressured => nameof(BackPressured),
        FailingOver => nameof(FailingOver),
        Closed => nameof(Closed),
        > 0 => $"sequence {status}",
        _ => $"unknown status {status}",
    };
}
