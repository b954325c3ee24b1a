using System.CommandLine;
using System.Globalization;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Perf;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Commands;

/// <summary>The options `perf write-lat|write-bw` and its peer processes share.</summary>
internal sealed class PerfOptionSet
{
    public Option<string> Sizes { get; } = new("--sizes") { Description = "Message sizes in bytes, e.g. 8,64,512,4096 (default: powers of two from 8 to 4096)" };

    public Option<int?> Iterations { get; } = new("--iterations", "-n") { Description = "Measured round trips (write-lat, default 100,000) or messages (write-bw, default 2,000,000) per size" };

    public Option<int?> Warmup { get; } = new("--warmup") { Description = "Unmeasured round trips or messages first, per size (default 10% of --iterations)" };

    public Option<long?> MaxBytes { get; } = new("--max-bytes") { Description = "At most this many payload bytes per size: a size of S bytes runs min(--iterations, BYTES / S) (its warm-up scaled alike), so one sweep can stream many small messages and fewer large ones (default: no cap)" };

    public Option<int> Segments { get; } = new("--segments") { Description = $"Segments per queue (default {BandwidthSegments}; write-lat over shared memory {LatencySegments})", DefaultValueFactory = _ => BandwidthSegments };

    public Option<int> Slots { get; } = new("--slots") { Description = $"Slots per segment (default {BandwidthSlots}; over shared memory, write-lat {LatencySlots}: one message is in flight, and a ring in the L1 cache is faster; write-bw {StreamSlots}, in a ring of at most --ring-bytes: two batches of two segments each fit)", DefaultValueFactory = _ => BandwidthSlots };

    public ProviderOptionSet Provider { get; } = new();

    public Option<string> Idle { get; } = new("--idle") { Description = "What a waiting hot thread does: spin, yield or backoff", DefaultValueFactory = _ => "spin" };

    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds without progress before a side gives up", DefaultValueFactory = _ => 30 };

    public Option<string?> Cpus { get; } = CpusOption.Create();

    public Option<bool> LockMemory { get; } = new("--mlock") { Description = "mlockall(MCL_CURRENT|MCL_FUTURE) in both peers (reports why not, if refused)" };

    public Option<string?> Json { get; } = new("--json") { Description = "Write the result (machine, command, commit, figures) to this JSON file" };

    public Option<int?> Size { get; } = new("--size", "-s") { Description = "One message size in bytes (perftest's -s; --sizes gives several)" };

    public Option<bool> All { get; } = new("--all", "-a") { Description = $"Every power of two from 2 to {AllSizesMax} bytes (perftest's -a)" };

    public Option<long?> RingBytes { get; } = new("--ring-bytes") { Description = $"At most this many bytes of ring per size: slots per segment = min(--slots, BYTES / (segments x slot stride)), at least {PerfOptions.MinimumSlots}, and a batch at most two segments (default: none; write-bw over shared memory {StreamRingBytes / 1024} KiB)" };

    public Option<int> Batch { get; } = new("--batch") { Description = $"write-bw: messages the sender claims and commits at once (perftest's --post_list; 1 claims each message alone; default {DefaultBatch}, over shared memory {StreamBatch})", DefaultValueFactory = _ => DefaultBatch };

    public Option<bool> NoFrequencyCheck { get; } = new("-F") { Description = "Do not warn when the CPU frequency governor is not 'performance' (perftest's -F)" };

    public TwoHostOptionSet TwoHost { get; } = new();

    /// <summary>The largest size of --all: a 64 KiB slot keeps a 4 x 256-slot ring at 64 MiB of pinned memory.</summary>
    public const int AllSizesMax = 1 << 16;

    /// <summary>write-bw's default ring: deep enough that the sender never waits for a head publication.</summary>
    public const int BandwidthSegments = 4, BandwidthSlots = 256;

    /// <summary>write-lat's default ring: a ping-pong has one message in flight, and a ring that stays in the L1 cache
    /// saved 15-20 ns a one-way trip at 64 B against the 4 x 256 ring on shared memory (bench/results/README.md).</summary>
    public const int LatencySegments = 2, LatencySlots = 16;

    /// <summary>Whether the run takes <see cref="LatencySegments"/> x <see cref="LatencySlots"/> when no geometry is
    /// given: write-lat over shared memory, where it was measured. Over verbs the lab showed no gain (Soft-RoCE: 64 B
    /// t_typical 24.4-27.8 us against 24.5-25.5 us with 4 x 256, 4 rounds), so the deeper ring stays there.</summary>
    private static bool SmallRingByDefault(PerfTest test, ProviderChoice provider) =>
        test == PerfTest.WriteLatency && provider.Name == ProviderChoice.SharedMemory.Name;

    /// <summary>write-bw's default batch: enough to amortize the tail update and the doorbell, well inside a segment.</summary>
    public const int DefaultBatch = 32;

    /// <summary>write-bw's default over shared memory: <see cref="StreamBatch"/> messages a claim in a ring of
    /// <see cref="BandwidthSegments"/> x <see cref="StreamSlots"/>. There the reader polls the very lines the writer
    /// fills, and each line it takes before the writer is done costs the writer another transfer. A batch of two
    /// segments keeps the reader a whole batch behind: with whole 64 B messages copied, 4 x 512 slots and batches of
    /// 1,024 streamed 50-51 M msg/s where 4 x 256 and 32 streamed 24-25, and 4 x 256 and 256 streamed 42-45 (host in its
    /// slow state, bench/results/README.md, issue 14 seventh round). Over verbs the send queue bounds a batch, and the
    /// lab's figures were taken with <see cref="DefaultBatch"/>.</summary>
    public const int StreamSlots = 512, StreamBatch = 1024;

    /// <summary>write-bw's ring cap over shared memory: the 4 x 512 ring of 64 B slots is 256 KiB, and at larger sizes
    /// the ring shrinks to fit 1 MiB (the L2 cache here) instead of growing to megabytes: a 4 x 512 ring of 4 KiB slots
    /// (8.6 MB) streamed no faster, and rings of tens of megabytes took this VM longer to fault in than the 50 ms
    /// heartbeat timeout allows a new link (bench/results/README.md, issue 14 seventh round).</summary>
    public const long StreamRingBytes = 1 << 20;

    private static bool StreamRingByDefault(PerfTest test, ProviderChoice provider) =>
        test == PerfTest.WriteBandwidth && provider.Name == ProviderChoice.SharedMemory.Name;

    public PerfOptionSet()
    {
        Size.Whole(0, SegmentedQueueGeometry.MaxSlotPayload, "bytes");
        Sizes.Validators.Add(r =>
        {
            try
            {
                _ = ParseSizes(r.GetValueOrDefault<string>());
            }
            catch (FormatException e)
            {
                r.AddError(e.Message);
            }
        });
        Iterations.Whole(1, RunChecks.MaxMeasured, "one 8-byte sample each");
        Warmup.Whole(0, RunChecks.MaxMeasured);
        MaxBytes.Whole(1, long.MaxValue, "bytes");
        RingBytes.Whole(1, SegmentedQueueGeometry.MaxRingLength, "bytes");
        Segments.Whole(SegmentedQueueGeometry.MinSegments, SegmentedQueueGeometry.MaxSegments);
        Slots.Whole(1, SegmentedQueueGeometry.MaxSlotsPerSegment);
        Idle.AcceptOnlyFromAmong([.. IdleStrategy.Names]);
        Batch.Whole(1, BandwidthPeer.BlockMessages, "messages");
        Timeout.Number(0.001, RunChecks.MaxTimeoutSeconds, "seconds");
    }

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Sizes, Iterations, Warmup, MaxBytes, RingBytes, Segments, Slots, Idle, Timeout, Cpus, LockMemory, Json, Size, All, Batch, NoFrequencyCheck })
        {
            command.Options.Add(option);
        }

        Provider.AddTo(command);
        TwoHost.AddTo(command);
        CommandChecks.Add(command, (r, errors) =>
        {
            if (new[] { CommandChecks.Given(r, Sizes), CommandChecks.Given(r, Size), CommandChecks.Given(r, All) }.Count(b => b) > 1)
            {
                errors.Add("Give the sizes one way: --sizes LIST, -s SIZE or -a.");
            }

            if (TwoHost.IsTwoHost(r) && CommandChecks.Given(r, Provider.PeerDevice))
            {
                errors.Add("--peer-device runs both processes on this host; across two hosts each side names its own device with -d.");
            }

            // The largest size needs the largest ring: one line for the run, not one per size.
            int largest = SizesOf(r).DefaultIfEmpty(0).Max();
            RunChecks.Geometry(r, errors, Segments, Slots, largest, $"message size {largest}");

            Provider.CheckTimeout(r, errors, Timeout);
            if (r.GetValue(Iterations) is int measured)
            {
                RunChecks.Warmup(errors, Warmup, r.GetValue(Warmup), measured, Iterations.Name);
            }

            RunChecks.Cpus(r, errors, Cpus, oneHost: !IsTwoHost(r, Provider.Bind(r)));
        });
    }

    /// <summary>perftest's way: a device without --peer-device (or a server address, or -p) is one side of a two-host
    /// run. Shared memory takes the two-host form too, both sides on this host (it tests the same plumbing).</summary>
    private bool IsTwoHost(ParseResult r, ProviderChoice provider) => TwoHost.IsTwoHost(r) || (provider.Name == "verbs" && provider.PeerDevice is null);

    /// <summary>The sizes the command line asks for.</summary>
    private IReadOnlyList<int> SizesOf(ParseResult r) =>
        r.GetValue(All) ? AllSizes : r.GetValue(Size) is int size ? [size] : ParseSizes(r.GetValue(Sizes));

    /// <summary>-a: every power of two from 2 to <see cref="AllSizesMax"/>.</summary>
    public static IReadOnlyList<int> AllSizes { get; } = [.. Enumerable.Range(1, 16).Select(k => 1 << k)];

    public PerfOptions Bind(PerfTest test, ParseResult result)
    {
        int iterations = result.GetValue(Iterations) ?? (test == PerfTest.WriteLatency ? 100_000 : 2_000_000);
        ProviderChoice provider = Provider.Bind(result);
        bool twoHost = IsTwoHost(result, provider);
        IReadOnlyList<int> sizes = SizesOf(result);
        return new PerfOptions(
            test,
            sizes,
            iterations,
            result.GetValue(Warmup) ?? (iterations / 10),
            CommandChecks.Given(result, Segments) || !SmallRingByDefault(test, provider) ? result.GetValue(Segments) : LatencySegments,
            CommandChecks.Given(result, Slots) ? result.GetValue(Slots) : SmallRingByDefault(test, provider) ? LatencySlots : StreamRingByDefault(test, provider) ? StreamSlots : BandwidthSlots,
            provider,
            result.GetValue(Idle)!,
            TimeSpan.FromSeconds(result.GetValue(Timeout)))
        {
            Cpus = CpusOption.Parse(result.GetValue(Cpus)),
            LockMemory = result.GetValue(LockMemory),
            JsonPath = result.GetValue(Json),
            TwoHost = twoHost ? TwoHost.Bind(result) : null,
            CheckFrequency = !result.GetValue(NoFrequencyCheck),
            Batch = CommandChecks.Given(result, Batch) || !StreamRingByDefault(test, provider) ? result.GetValue(Batch) : StreamBatch,
            MaxBytes = result.GetValue(MaxBytes),
            RingBytes = CommandChecks.Given(result, RingBytes) ? result.GetValue(RingBytes) : StreamRingByDefault(test, provider) && !CommandChecks.Given(result, Slots) ? StreamRingBytes : null,
        };
    }

    /// <summary>"8,64,512" to sizes; null is the default sweep.</summary>
    /// <exception cref="FormatException">Not a list of sizes from 0 to the largest slot payload.</exception>
    public static IReadOnlyList<int> ParseSizes(string? text)
    {
        if (text is null)
        {
            return PerfOptions.DefaultSizes;
        }

        var sizes = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size > SegmentedQueueGeometry.MaxSlotPayload)
            {
                throw new FormatException($"--sizes {text}: '{part}' is not a message size (0 to {SegmentedQueueGeometry.MaxSlotPayload} bytes).");
            }

            sizes.Add(size);
        }

        return sizes;
    }

    /// <summary>The same options as arguments for the peer processes (every value explicit).</summary>
    public static IEnumerable<string> ToArguments(PerfOptions o)
    {
        var ic = CultureInfo.InvariantCulture;
        string[] arguments =
        [
            "--test", o.TestName,
            "--sizes", string.Join(',', o.Sizes),
            "--iterations", o.Iterations.ToString(ic),
            "--warmup", o.Warmup.ToString(ic),
            "--segments", o.Segments.ToString(ic),
            "--slots", o.Slots.ToString(ic),
            .. ProviderOptionSet.ToArguments(o.Provider),
            "--idle", o.Idle,
            "--timeout", o.StallTimeout.TotalSeconds.ToString(ic),
            "--batch", o.Batch.ToString(ic),
            .. CpusOption.ToArguments(o.Cpus),
        ];
        string[] capped = o.MaxBytes is long bytes ? [.. arguments, "--max-bytes", bytes.ToString(ic)] : arguments;
        capped = o.RingBytes is long ring ? [.. capped, "--ring-bytes", ring.ToString(ic)] : capped;
        return o.LockMemory ? [.. capped, "--mlock"] : capped;
    }
}
