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

    public Option<int> Segments { get; } = new("--segments") { Description = "Segments per queue", DefaultValueFactory = _ => 4 };

    public Option<int> Slots { get; } = new("--slots") { Description = "Slots per segment", DefaultValueFactory = _ => 256 };

    public ProviderOptionSet Provider { get; } = new();

    public Option<string> Idle { get; } = new("--idle") { Description = "What a waiting hot thread does: spin, yield or backoff", DefaultValueFactory = _ => "spin" };

    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds without progress before a side gives up", DefaultValueFactory = _ => 30 };

    public Option<string?> Cpus { get; } = CpusOption.Create();

    public Option<bool> LockMemory { get; } = new("--mlock") { Description = "mlockall(MCL_CURRENT|MCL_FUTURE) in both peers (reports why not, if refused)" };

    public Option<string?> Json { get; } = new("--json") { Description = "Write the result (machine, command, commit, figures) to this JSON file" };

    public Option<int?> Size { get; } = new("--size", "-s") { Description = "One message size in bytes (perftest's -s; --sizes gives several)" };

    public Option<bool> All { get; } = new("--all", "-a") { Description = $"Every power of two from 2 to {AllSizesMax} bytes (perftest's -a)" };

    public Option<int> Batch { get; } = new("--batch") { Description = "write-bw: messages the sender claims and commits at once (perftest's --post_list; 1 claims each message alone)", DefaultValueFactory = _ => DefaultBatch };

    public Option<bool> NoFrequencyCheck { get; } = new("-F") { Description = "Do not warn when the CPU frequency governor is not 'performance' (perftest's -F)" };

    public TwoHostOptionSet TwoHost { get; } = new();

    /// <summary>The largest size of --all: a 64 KiB slot keeps a 4 x 256-slot ring at 64 MiB of pinned memory.</summary>
    public const int AllSizesMax = 1 << 16;

    /// <summary>write-bw's default batch: enough to amortize the tail update and the doorbell, well inside a segment.</summary>
    public const int DefaultBatch = 32;

    public PerfOptionSet()
    {
        Size.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > SegmentedQueueGeometry.MaxSlotPayload)
            {
                r.AddError($"--size (-s) must be 0 to {SegmentedQueueGeometry.MaxSlotPayload} bytes.");
            }
        });
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
        Iterations.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) { r.AddError("--iterations must be at least 1."); } });
        Warmup.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 0) { r.AddError("--warmup must not be negative."); } });
        Segments.Validators.Add(r => { if (r.GetValueOrDefault<int>() < SegmentedQueueGeometry.MinSegments) { r.AddError($"--segments must be at least {SegmentedQueueGeometry.MinSegments}."); } });
        Slots.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--slots must be at least 1."); } });
        Idle.AcceptOnlyFromAmong([.. IdleStrategy.Names]);
        Batch.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > BandwidthPeer.BlockMessages) { r.AddError($"--batch must be 1 to {BandwidthPeer.BlockMessages} messages."); } });
        Timeout.Validators.Add(r => { if (r.GetValueOrDefault<double>() <= 0) { r.AddError("--timeout must be positive."); } });
    }

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Sizes, Iterations, Warmup, Segments, Slots, Idle, Timeout, Cpus, LockMemory, Json, Size, All, Batch, NoFrequencyCheck })
        {
            command.Options.Add(option);
        }

        Provider.AddTo(command);
        TwoHost.AddTo(command);
        command.Validators.Add(r =>
        {
            if (new[] { r.GetValue(Sizes) is not null, r.GetValue(Size) is not null, r.GetValue(All) }.Count(b => b) > 1)
            {
                r.AddError("Give the sizes one way: --sizes LIST, -s SIZE or -a.");
            }

            if (TwoHost.IsTwoHost(r) && r.GetValue(Provider.PeerDevice) is not null)
            {
                r.AddError("--peer-device runs both processes on this host; across two hosts each side names its own device with -d.");
            }
        });
    }

    public PerfOptions Bind(PerfTest test, ParseResult result)
    {
        int iterations = result.GetValue(Iterations) ?? (test == PerfTest.WriteLatency ? 100_000 : 2_000_000);
        ProviderChoice provider = Provider.Bind(result);
        // perftest's way: a device without --peer-device (or a server address, or -p) is one side of a two-host run.
        // Shared memory takes the two-host form too, both sides on this host (it tests the same plumbing).
        bool twoHost = TwoHost.IsTwoHost(result) || (provider.Name == "verbs" && provider.PeerDevice is null);

        IReadOnlyList<int> sizes = result.GetValue(All) ? [.. Enumerable.Range(1, 16).Select(k => 1 << k)]
            : result.GetValue(Size) is int size ? [size]
            : ParseSizes(result.GetValue(Sizes));
        return new PerfOptions(
            test,
            sizes,
            iterations,
            result.GetValue(Warmup) ?? (iterations / 10),
            result.GetValue(Segments),
            result.GetValue(Slots),
            provider,
            result.GetValue(Idle)!,
            TimeSpan.FromSeconds(result.GetValue(Timeout)))
        {
            Cpus = CpusOption.Parse(result.GetValue(Cpus)),
            LockMemory = result.GetValue(LockMemory),
            JsonPath = result.GetValue(Json),
            TwoHost = twoHost ? TwoHost.Bind(result) : null,
            CheckFrequency = !result.GetValue(NoFrequencyCheck),
            Batch = result.GetValue(Batch),
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
        return o.LockMemory ? [.. arguments, "--mlock"] : arguments;
    }
}
