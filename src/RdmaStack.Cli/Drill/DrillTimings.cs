using RdmaStack.Cli.Perf;

namespace RdmaStack.Cli.Drill;

/// <summary>Detection and switchover times of a drill (either provider), from the moments it recorded in
/// Stopwatch ticks (one clock for every thread and, on one machine, every process): fault i injected,
/// detected (the writer declared the link failed; -1 if never) and the epoch of the failover it caused; and,
/// per epoch, when the reader delivered the first message over the new link. Failover and switch events
/// both name the epoch, so each switchover is matched to its failover exactly.</summary>
/// <param name="Detection">Fault -> detection, per fault kind.</param>
/// <param name="Switchover">Detection -> first message delivered over the other link.</param>
/// <param name="Total">Fault -> that first message.</param>
internal sealed record DrillTimings(IReadOnlyDictionary<FaultKind, PerfSizeResult> Detection, PerfSizeResult? Switchover, PerfSizeResult? Total)
{
    public static DrillTimings Summarize(
        IReadOnlyList<long> injectedAt, IReadOnlyList<long> detectedAt, IReadOnlyList<long> failoverEpoch, IReadOnlyList<FaultKind> kinds, int injected,
        IReadOnlyDictionary<long, long> switchAtByEpoch)
    {
        ArgumentNullException.ThrowIfNull(injectedAt);
        ArgumentNullException.ThrowIfNull(detectedAt);
        ArgumentNullException.ThrowIfNull(failoverEpoch);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(switchAtByEpoch);
        var byKind = new Dictionary<FaultKind, List<long>>();
        var switchover = new List<long>();
        var total = new List<long>();
        for (int i = 0; i < injected; i++)
        {
            if (detectedAt[i] < 0)
            {
                continue;
            }

            (byKind.TryGetValue(kinds[i], out List<long>? list) ? list : byKind[kinds[i]] = []).Add(detectedAt[i] - injectedAt[i]);
            if (switchAtByEpoch.TryGetValue(failoverEpoch[i], out long switchedAt))
            {
                switchover.Add(switchedAt - detectedAt[i]);
                total.Add(switchedAt - injectedAt[i]);
            }
        }

        return new DrillTimings(
            byKind.ToDictionary(kv => kv.Key, kv => LatencyStatistics.Summarize(kv.Value.ToArray(), 1)),
            switchover.Count == 0 ? null : LatencyStatistics.Summarize(switchover.ToArray(), 1),
            total.Count == 0 ? null : LatencyStatistics.Summarize(total.ToArray(), 1));
    }
}
