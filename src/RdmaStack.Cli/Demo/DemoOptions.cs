using RdmaStack.Queues;

namespace RdmaStack.Cli.Demo;

/// <summary>What one demo run does.</summary>
/// <param name="Count">Messages in the streaming phase.</param>
/// <param name="Size">Bytes per message (also the slot payload capacity).</param>
/// <param name="Segments">Segments of each queue.</param>
/// <param name="Slots">Slots per segment.</param>
/// <param name="Pings">Measured round trips in the ping-pong phase.</param>
/// <param name="Warmup">Round trips before measuring.</param>
/// <param name="StallTimeout">A side that makes no progress for this long gives up and reports.</param>
internal sealed record DemoOptions(long Count, int Size, int Segments, int Slots, int Pings, int Warmup, TimeSpan StallTimeout)
{
    /// <summary>The CPUs the sender's and the receiver's hot threads are pinned to (--cpus), or null.</summary>
    public IReadOnlyList<int>? Cpus { get; init; }

    /// <summary>The provider both processes use (--provider, and for verbs --device, --peer-device, --listen).</summary>
    public ProviderChoice Provider { get; init; } = ProviderChoice.SharedMemory;

    public SegmentedQueueGeometry Geometry => new(Segments, Slots, Size);
}
