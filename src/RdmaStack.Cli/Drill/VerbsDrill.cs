using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Perf;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// Runs the verbs drill: the receiver and the sender as two processes (`rdmastack drill-peer`), then joins
/// their measurements into one <see cref="DrillReport"/>. Both processes run on one machine, so their
/// Stopwatch timestamps (CLOCK_MONOTONIC) are one clock: detection (link-down -> writer declares the link
/// failed) comes from the sender, switchover (detection -> first message delivered over the other link)
/// pairs the sender's detection with the receiver's switch.
/// </summary>
internal static class VerbsDrill
{
    public const string PeerCommand = "drill-peer";

    public static (DrillReport Report, IReadOnlyList<string> Details) Run(VerbsDrillOptions o, TextWriter console)
    {
        string name = $"drill{Environment.ProcessId}x{Environment.TickCount64 % 100_000}";
        var clock = Stopwatch.StartNew();
        PeerPairOutcome outcome = PeerPair.Run(
            PeerCommand,
            name,
            o.ToPeerArguments(),
            TimeSpan.FromSeconds(Math.Max(300, o.Drill.StallTimeout.TotalSeconds * 4)),
            (role, line) => console.WriteLine($"  [{role}] {line}"),
            (role, line) => console.WriteLine($"  [{role} stderr] {line}"));
        VerbsDrillSenderResult? s = outcome.SenderResult is null ? null : JsonSerializer.Deserialize(outcome.SenderResult, DrillJsonContext.Default.VerbsDrillSenderResult);
        VerbsDrillReceiverResult? r = outcome.ReceiverResult is null ? null : JsonSerializer.Deserialize(outcome.ReceiverResult, DrillJsonContext.Default.VerbsDrillReceiverResult);
        return Combine(o, s, r, outcome.Error, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Joins both processes' results (also used by the tests with results made by hand).</summary>
    internal static (DrillReport Report, IReadOnlyList<string> Details) Combine(VerbsDrillOptions o, VerbsDrillSenderResult? s, VerbsDrillReceiverResult? r, string? error, double seconds)
    {
        var ic = CultureInfo.InvariantCulture;
        int injected = s?.Injected ?? 0;
        FaultKind[] kinds = Enumerable.Repeat(FaultKind.Kill, injected).ToArray();
        var switchAtByEpoch = new Dictionary<long, long>();
        for (int i = 0; r is not null && i < Math.Min(r.SwitchAt.Length, r.SwitchEpochs.Length); i++)
        {
            switchAtByEpoch[r.SwitchEpochs[i]] = r.SwitchAt[i];
        }

        DrillTimings timings = DrillTimings.Summarize(s?.InjectedAt ?? [], s?.DetectedAt ?? [], s?.FailoverEpochs ?? [], kinds, injected, switchAtByEpoch);
        string? combinedError = string.Join("; ", new[] { error, s?.Error, r?.Error }.Where(e => e is not null));
        var report = new DrillReport
        {
            Options = o.Drill,
            Delivered = r?.Delivered ?? 0,
            Lost = r?.Lost ?? o.Drill.Count,
            Duplicated = r?.Duplicated ?? 0,
            OutOfOrder = r?.OutOfOrder ?? 0,
            Corrupted = r?.Corrupted ?? 0,
            Injected = injected,
            InjectedByKind = injected == 0 ? new Dictionary<FaultKind, int>() : new Dictionary<FaultKind, int> { [FaultKind.Kill] = injected },
            Failovers = s?.Failovers ?? 0,
            UnexpectedFailovers = s?.UnexpectedFailures ?? 0,
            UnexpectedReasons = s?.UnexpectedReasons ?? [],
            Restores = s?.Reestablished ?? 0,
            MessagesResent = s?.MessagesResent ?? 0,
            ReaderSwitches = r?.Switches ?? 0,
            FaultsReportedByReader = r?.FaultsReported ?? 0,
            Detection = timings.Detection,
            Switchover = timings.Switchover,
            Total = timings.Total,
            Seconds = seconds,
            Error = combinedError.Length == 0 ? null : combinedError,
        };

        var details = new List<string>();
        if (s is not null)
        {
            int undetected = s.DetectedAt.Count(d => d < 0);
            details.Add(string.Create(ic, $"link-downs {injected} (link 0: {s.Links.Count(l => l == 0)}, link 1: {s.Links.Count(l => l == 1)}); not detected {undetected}"));
            foreach (IGrouping<string, string> g in s.DetectedBy.Where(d => d is not null).Select(d => Source(d!)).GroupBy(d => d).OrderByDescending(g => g.Count()))
            {
                details.Add(string.Create(ic, $"           detected by {g.Key}: {g.Count()}"));
            }

            long[] confirm = [.. s.InjectedAt.Zip(s.ConfirmedAt).Where(p => p.Second >= 0).Select(p => p.Second - p.First)];
            if (confirm.Length > 0)
            {
                PerfSizeResult c = LatencyStatistics.Summarize(confirm, 1);
                details.Add(string.Create(ic, $"           {s.ConfirmedBy}: p50 {c.TTypicalNs / 1e6:0.00} ms, max {c.TMaxNs / 1e6:0.00} ms"));
            }

            if (s.ReestablishTicks.Length > 0)
            {
                PerfSizeResult t = LatencyStatistics.Summarize(s.ReestablishTicks, 1);
                details.Add(string.Create(ic, $"re-established {s.Reestablished} links (link-up -> new writer in place as standby): p50 {t.TTypicalNs / 1e6:0} ms, max {t.TMaxNs / 1e6:0} ms"));
            }

            details.Add(string.Create(ic, $"async events sender {s.AsyncEvents}, receiver {r?.AsyncEvents ?? 0}; receiver re-established {r?.Reestablished ?? 0} links"));
        }

        return (report, details);
    }

    /// <summary>The client's side of a two-host drill: its own figures and the receiver's verdict as it came back over
    /// the fabric. The hosts share no clock, so there are no switchover times (the receiver's switches are counted,
    /// not timed against the sender's detections).</summary>
    internal static (DrillReport Report, IReadOnlyList<string> Details) CombineTwoHost(VerbsDrillOptions o, VerbsDrillSenderResult s)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(s);
        VerbsDrillReceiverResult? r = s.Verdict is { } figures ? DrillVerdict.FromFigures(figures).ToReceiverResult(o.Drill.Count) : null;
        string? missing = r is null && s.Error is null ? "the receiver's verdict did not come back" : null;
        return Combine(o, s, r, missing, s.Seconds);
    }

    /// <summary>The kind of detection a failure reason names.</summary>
    internal static string Source(string reason) =>
        reason.StartsWith("async event", StringComparison.Ordinal) ? AsyncName(reason)
        : reason.Contains("error completion", StringComparison.Ordinal) ? "error completion"
        : reason.Contains("write failed", StringComparison.Ordinal) ? "failed post"
        : reason.Contains("heartbeat", StringComparison.Ordinal) ? "heartbeat timeout"
        : reason.Contains("reader reported", StringComparison.Ordinal) ? "reader's report (lost write)"
        : reason;

    private static string AsyncName(string reason)
    {
        int colon = reason.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? reason : $"async event ({reason[(colon + 2)..]})";
    }
}
