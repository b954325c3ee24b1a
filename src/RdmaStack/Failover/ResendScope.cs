namespace RdmaStack.Failover;

/// <summary>Which messages a failover copies into the standby's queue and sends again.</summary>
internal enum ResendScope
{
    /// <summary>Every message the reader has not acknowledged (the safe default: nothing can be lost).</summary>
    AllUnacknowledged,

    /// <summary>Only the unacknowledged messages of the segment the tail is in (US 9,811,500's minimum).
    /// Safe only when the reader acknowledges every segment before the writer leaves it; otherwise older
    /// unacknowledged messages are not resent and can be lost. For measurement, not for production.</summary>
    CurrentSegment,
}
