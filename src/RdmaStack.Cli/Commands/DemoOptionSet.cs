using System.CommandLine;
using RdmaStack.Cli.Demo;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Commands;

/// <summary>The options `demo` and its peer processes share, with their defaults and bounds.</summary>
internal sealed class DemoOptionSet
{
    public Option<long> Count { get; } = new("--count") { Description = "Messages to stream", DefaultValueFactory = _ => 1_000_000 };

    public Option<int> Size { get; } = new("--size") { Description = "Bytes per message (also the slot payload)", DefaultValueFactory = _ => 64 };

    public Option<int> Segments { get; } = new("--segments") { Description = "Segments per queue (at least 2)", DefaultValueFactory = _ => 4 };

    public Option<int> Slots { get; } = new("--slots") { Description = "Slots per segment", DefaultValueFactory = _ => 256 };

    public Option<int> Pings { get; } = new("--pings") { Description = "Measured round trips in the ping-pong phase", DefaultValueFactory = _ => 100_000 };

    public Option<int> Warmup { get; } = new("--warmup") { Description = "Round trips before measuring", DefaultValueFactory = _ => 20_000 };

    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds without progress before a side gives up", DefaultValueFactory = _ => 30 };

    public Option<string?> Cpus { get; } = CpusOption.Create();

    public ProviderOptionSet Provider { get; } = new();

    public DemoOptionSet()
    {
        Count.Whole(1, StreamChecker.MaxCount, "the receiver keeps a bit per message");
        Size.Whole(0, SegmentedQueueGeometry.MaxSlotPayload, "bytes");
        Segments.Whole(SegmentedQueueGeometry.MinSegments, SegmentedQueueGeometry.MaxSegments);
        Slots.Whole(1, SegmentedQueueGeometry.MaxSlotsPerSegment);
        Pings.Whole(0, RunChecks.MaxMeasured, "one 8-byte sample each");
        Warmup.Whole(0, RunChecks.MaxMeasured);
        Timeout.Number(0.001, RunChecks.MaxTimeoutSeconds, "seconds");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Count);
        command.Options.Add(Size);
        command.Options.Add(Segments);
        command.Options.Add(Slots);
        command.Options.Add(Pings);
        command.Options.Add(Warmup);
        command.Options.Add(Timeout);
        command.Options.Add(Cpus);
        Provider.AddTo(command);
        CommandChecks.Add(command, (r, errors) =>
        {
            RunChecks.Geometry(r, errors, Segments, Slots, r.GetValue(Size), Size.Name);
            Provider.CheckTimeout(r, errors, Timeout);
            if (r.GetValue(Pings) is int pings and > 0)
            {
                RunChecks.Warmup(errors, Warmup, r.GetValue(Warmup), pings, Pings.Name);
            }

            RunChecks.Cpus(r, errors, Cpus, oneHost: true);
        });
    }

    public DemoOptions Bind(ParseResult result) => new(
        result.GetValue(Count),
        result.GetValue(Size),
        result.GetValue(Segments),
        result.GetValue(Slots),
        result.GetValue(Pings),
        result.GetValue(Warmup),
        TimeSpan.FromSeconds(result.GetValue(Timeout)))
    {
        Cpus = CpusOption.Parse(result.GetValue(Cpus)),
        Provider = Provider.Bind(result),
    };

    /// <summary>The same options as command-line arguments, for the peer processes.</summary>
    public static IEnumerable<string> ToArguments(DemoOptions o) =>
    [
        "--count", o.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--size", o.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--segments", o.Segments.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--slots", o.Slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--pings", o.Pings.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--warmup", o.Warmup.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--timeout", o.StallTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        .. CpusOption.ToArguments(o.Cpus),
        .. ProviderOptionSet.ToArguments(o.Provider),
    ];
}
