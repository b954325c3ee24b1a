using System.CommandLine;
using System.Globalization;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Commands;

/// <summary>
/// The checks between options that make a run meaningless or impossible, shared by the commands: a queue beyond the
/// ring limit, a stall timeout below the heartbeat bound (a side would give up before a dead link is detected), a
/// warm-up that dwarfs the measurement, both peers of one host on one CPU. Each adds one error naming the options.
/// </summary>
internal static class RunChecks
{
    /// <summary>Longest --timeout, in seconds: a day.</summary>
    public const double MaxTimeoutSeconds = 86_400;

    /// <summary>The most measured round trips or messages of a run: one 8-byte sample each stays under 1 GB.</summary>
    public const int MaxMeasured = 100_000_000;

    /// <summary>A warm-up up to this is always accepted; beyond it, only up to ten times the measured part.</summary>
    public const int WarmupFloor = 100_000;

    /// <summary>The queue of <paramref name="size"/>-byte slots fits the ring limit.</summary>
    public static void Geometry(ParseResult r, ICollection<string> errors, Option<int> segments, Option<int> slots, int size, string sizeName)
    {
        try
        {
            _ = new SegmentedQueueGeometry(r.GetValue(segments), r.GetValue(slots), size);
        }
        catch (ArgumentOutOfRangeException e)
        {
            errors.Add($"{segments.Name}, {slots.Name} and {sizeName}: {FirstLine(e.Message)}");
        }
    }

    /// <summary>--timeout is at least the heartbeat bound of the run's links.</summary>
    public static void Timeout(ParseResult r, ICollection<string> errors, Option<double> timeout, TimeSpan heartbeatTimeout, string links)
    {
        double seconds = r.GetValue(timeout);
        if (TimeSpan.FromSeconds(seconds) < heartbeatTimeout)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{timeout.Name} {seconds} s is below the heartbeat bound of {links} ({heartbeatTimeout.TotalSeconds} s): a side would give up before a dead link is even detected."));
        }
    }

    /// <summary>The warm-up is not more than ten times the measured part (past <see cref="WarmupFloor"/>).</summary>
    public static void Warmup(ICollection<string> errors, Option warmupOption, int? warmup, int measured, string measuredName)
    {
        if (warmup is int w && w > WarmupFloor && w > 10L * measured)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{warmupOption.Name} {w:#,0} is more than ten times {measuredName} {measured:#,0}: the run would be almost all warm-up; warm up less or measure more."));
        }
    }

    /// <summary>On one host, the two peers' hot threads are not pinned to one CPU.</summary>
    public static void Cpus(ParseResult r, ICollection<string> errors, Option<string?> cpus, bool oneHost)
    {
        if (oneHost && r.GetValue(cpus) is { } text && CpusOption.Parse(text) is [int first, int second] && first == second)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{cpus.Name} {text}: both peers of a one-host run on CPU {first} would take turns on it, and the figures would measure the scheduler; give each its own CPU (e.g. 0,1). One CPU is right only for one side of a two-host run."));
        }
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).ReplaceLineEndings(" ");
    }
}
