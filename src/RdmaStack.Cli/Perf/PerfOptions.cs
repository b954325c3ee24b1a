using RdmaStack.Cli.Demo;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Perf;

/// <summary>What one `rdmastack perf` run does.</summary>
/// <param name="Test">write-lat or write-bw.</param>
/// <param name="Sizes">Message sizes in bytes, run in this order.</param>
/// <param name="Iterations">Measured round trips (write-lat) or messages (write-bw) per size.</param>
/// <param name="Warmup">Unmeasured round trips or messages before them, per size.</param>
/// <param name="Segments">Segments of each queue.</param>
/// <param name="Slots">Slots per segment.</param>
/// <param name="Provider">The provider (--provider, and for verbs its devices).</param>
/// <param name="Idle">The idle strategy of the waits ("spin", "yield", "backoff").</param>
/// <param name="StallTimeout">A side that makes no progress this long gives up.</param>
internal sealed record PerfOptions(PerfTest Test, IReadOnlyList<int> Sizes, int Iterations, int Warmup, int Segments, int Slots, ProviderChoice Provider, string Idle, TimeSpan StallTimeout)
{
    /// <summary>The sweep when --sizes is not given: powers of two from 8 B to 4 KiB.</summary>
    public static IReadOnlyList<int> DefaultSizes { get; } = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    /// <summary>The two hot threads' CPUs (--cpus), or null.</summary>
    public IReadOnlyList<int>? Cpus { get; init; }

    /// <summary>Lock all memory (mlockall) in both peers.</summary>
    public bool LockMemory { get; init; }

    /// <summary>Where to write the JSON result, or null.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Whether to warn when the CPU frequency governor is not "performance" (perftest's -F turns it off).</summary>
    public bool CheckFrequency { get; init; } = true;

    /// <summary>write-bw: messages the sender claims and commits at once (1: one claim per message).</summary>
    public int Batch { get; init; } = Commands.PerfOptionSet.DefaultBatch;

    /// <summary>At most this many payload bytes per size (--max-bytes), or null for no cap.</summary>
    public long? MaxBytes { get; init; }

    /// <summary>The options of one size: under <see cref="MaxBytes"/>, a size of <paramref name="size"/> bytes runs
    /// min(<see cref="Iterations"/>, MaxBytes / size), at least one, with the warm-up scaled by the same factor.</summary>
    public PerfOptions ForSize(int size)
    {
        if (MaxBytes is not long bytes || size == 0 || bytes / size >= Iterations)
        {
            return this;
        }

        int iterations = (int)Math.Max(1, bytes / size);
        return this with { Iterations = iterations, Warmup = (int)((long)Warmup * iterations / Iterations) };
    }

    /// <summary>Two hosts (perftest's server/client): this side's settings; null when both processes run here.</summary>
    public Commands.TwoHost? TwoHost { get; init; }

    /// <summary>The fabric of one side for messages of <paramref name="size"/> bytes: the provider's, across two hosts
    /// with this side's links and the shared secret.</summary>
    public FabricOptions FabricOptionsFor(string role, int size)
    {
        FabricOptions options = Provider.FabricOptions(role, GeometryFor(size));
        return TwoHost is null ? options : options with { Links = TwoHost.Links([Provider.Device!]), Secret = TwoHost.Secret };
    }

    /// <summary>The test's name as perftest spells it.</summary>
    public string TestName => Test == PerfTest.WriteLatency ? "write-lat" : "write-bw";

    /// <summary>At most this many bytes of ring per size (--ring-bytes), or null: <see cref="Slots"/> at every size.</summary>
    public long? RingBytes { get; init; }

    /// <summary>The queue for one message size: slots hold exactly that payload; under <see cref="RingBytes"/>, as many
    /// slots a segment as fit (from 16, or <see cref="Slots"/> if fewer, up to <see cref="Slots"/>).</summary>
    public SegmentedQueueGeometry GeometryFor(int size)
    {
        if (RingBytes is not long cap)
        {
            return new(Segments, Slots, size);
        }

        long stride = new SegmentedQueueGeometry(Segments, 1, size).SlotStride;
        return new(Segments, (int)Math.Clamp(cap / (Segments * stride), Math.Min(MinimumSlots, Slots), Slots), size);
    }

    /// <summary>write-bw's batch at one size: <see cref="Batch"/>, and under <see cref="RingBytes"/> at most two of that
    /// size's segments (the ring holds the next batch while the reader takes this one).</summary>
    public int BatchFor(int size) => RingBytes is null ? Batch : Math.Min(Batch, 2 * GeometryFor(size).SlotsPerSegment);

    /// <summary>The fewest slots a segment gets under <see cref="RingBytes"/>.</summary>
    public const int MinimumSlots = 16;

    /// <summary>The queue in words, for the output.</summary>
    public string QueueDescription => RingBytes is long cap
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Segments} segments x up to {Slots} slots (a ring of at most {cap / 1024} KiB, at least {MinimumSlots} slots a segment), batches of up to {Batch} or two segments")
        : $"{Segments} segments x {Slots} slots";
}
