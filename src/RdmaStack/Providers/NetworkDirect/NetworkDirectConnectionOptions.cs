using RdmaStack.Queues;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>Queue pair and set-up settings of the NetworkDirect provider (the verbs provider's options, with the
/// set-up timeout that NetworkDirect's overlapped connection requests need).</summary>
internal sealed record NetworkDirectConnectionOptions
{
    /// <summary>Writes outstanding per queue pair asked for (capped by the adapter's MaxInitiatorQueueDepth); it
    /// becomes the channel's <see cref="Transport.IRemoteWriteChannel.SendQueueDepth"/>.</summary>
    public int SendQueueDepth { get; init; } = 256;

    /// <summary>Inline bytes asked for per queue pair (capped by the adapter's MaxInlineDataSize); at least 8, so
    /// that the head write (whose source word changes right after it is posted) is always copied at the post.</summary>
    public int MaxInlineData { get; init; } = 256;

    /// <summary>Signal every Nth slot write (the others go with ND_OP_FLAG_SILENT_SUCCESS).</summary>
    public int SignalInterval { get; init; } = 16;

    /// <summary>See <see cref="SegmentedQueueReader.ChecksumRetryLimit"/>.</summary>
    public int ChecksumRetryLimit { get; init; } = SegmentedQueueReader.DefaultChecksumRetryLimit;

    /// <summary>See <see cref="SegmentedQueueReader.ChecksumTimeout"/>: a Write's bytes land in no promised order.</summary>
    public TimeSpan ChecksumTimeout { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long each overlapped set-up request (register, connection request, connect, accept) and the
    /// first-message exchange may take before it is canceled and the set-up fails.</summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The defaults.</summary>
    public static NetworkDirectConnectionOptions Default { get; } = new();
}
