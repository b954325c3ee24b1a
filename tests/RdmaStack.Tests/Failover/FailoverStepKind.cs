namespace RdmaStack.Tests.Failover;

/// <summary>What one step of a generated failover schedule does.</summary>
internal enum FailoverStepKind
{
    /// <summary>Offer up to Count messages (stop at the first refusal).</summary>
    Offer,

    /// <summary>Poll up to Count messages.</summary>
    Poll,

    /// <summary>Move the clock Count ms and run both ends' housekeeping.</summary>
    Maintain,

    /// <summary>Kill the link (both directions fail).</summary>
    Kill,

    /// <summary>The link's next slot write lands corrupted.</summary>
    Corrupt,

    /// <summary>The link's next slot write is lost.</summary>
    Drop,

    /// <summary>A failed link is repaired and restored on both ends (failback).</summary>
    Restore,

    /// <summary>A failed link gets a new connection on both ends (a re-established link).</summary>
    Replace,

    /// <summary>The link's device reports an error to the writing side (public API: the publication).</summary>
    DeviceErrorWriter,

    /// <summary>The link's device reports an error to the reading side (public API: the subscription).</summary>
    DeviceErrorReader,
}
