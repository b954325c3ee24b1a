namespace RdmaStack.Diagnostics;

/// <summary>What a publication or a subscription shows the meter. Read from the meter listener's thread while the hot
/// thread writes: each value is one aligned word, read without tearing, approximate by nature.</summary>
internal interface IMeteredStream
{
    /// <summary>"publication" or "subscription".</summary>
    string Side { get; }

    /// <summary>The stream's name.</summary>
    string Stream { get; }

    /// <summary>Messages offered (publication) or delivered (subscription).</summary>
    long Messages { get; }

    /// <summary>Offers refused with back-pressure (publication; 0 for a subscription).</summary>
    long BackPressure { get; }

    /// <summary>Failovers (publication) or link switches (subscription).</summary>
    long Failovers { get; }

    /// <summary>Messages sent again by failovers (publication).</summary>
    long Resends { get; }

    /// <summary>Link failures found by this side, by <see cref="Failover.LinkFailureCause"/> value.</summary>
    ReadOnlySpan<long> FailuresByCause { get; }

    /// <summary>Number of links.</summary>
    int LinkCount { get; }

    /// <summary>Link <paramref name="link"/>'s state: 0 down (failed or not connected yet), 1 standby, 2 active.</summary>
    int LinkStateCode(int link);
}
