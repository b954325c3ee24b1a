using System.Diagnostics;
using HdrHistogram;

namespace RdmaStack.Cli.Perf;

/// <summary>Turns raw Stopwatch samples into perftest's columns through an HdrHistogram.</summary>
internal static class LatencyStatistics
{
    /// <summary>The percentiles kept for plots.</summary>
    public static IReadOnlyList<double> PlotPercentiles { get; } = [0, 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.99];

    /// <summary>Samples are recorded at this resolution (tenths of a nanosecond) so RTT / 2 keeps its half.</summary>
    private const double Scale = 10;

    /// <summary>Summarizes <paramref name="samples"/> (Stopwatch ticks, one per round trip or block).</summary>
    /// <param name="samples">The raw measurements.</param>
    /// <param name="divisor">2 for RTT to one-way; the block length for per-message time.</param>
    /// <returns>A result with the time columns filled (size, rates and counts are the caller's).</returns>
    public static PerfSizeResult Summarize(ReadOnlySpan<long> samples, double divisor)
    {
        if (samples.IsEmpty)
        {
            return new PerfSizeResult(); // no samples: Iterations 0, and the reports say so
        }

        double nsPerTick = 1e9 / Stopwatch.Frequency;
        var histogram = new LongHistogram((long)(60e9 * Scale), 3); // up to a minute, 3 significant digits
        double sum = 0, squares = 0;
        foreach (long ticks in samples)
        {
            double ns = Math.Max(0, ticks * nsPerTick) / divisor;
            sum += ns;
            squares += ns * ns;
            histogram.RecordValue(Math.Max(1, (long)Math.Round(ns * Scale)));
        }

        double At(double percentile) => histogram.GetValueAtPercentile(percentile) / Scale;
        return new PerfSizeResult
        {
            Iterations = samples.Length,
            TMinNs = histogram.GetValueAtPercentile(0) / Scale,
            TTypicalNs = At(50),
            TAvgNs = sum / samples.Length,
            TStdevNs = Math.Sqrt(Math.Max(0, (squares / samples.Length) - ((sum / samples.Length) * (sum / samples.Length)))),
            P99Ns = At(99),
            P999Ns = At(99.9),
            TMaxNs = histogram.GetMaxValue() / Scale,
            Percentiles = [.. PlotPercentiles.Select(p => new[] { p, p == 0 ? histogram.GetValueAtPercentile(0) / Scale : At(p) })],
        };
    }

    /// <summary>What one Stopwatch.GetTimestamp costs here, in ticks: the median gap between back-to-back reads.</summary>
    public static double TimerCostTicks()
    {
        const int Reads = 20_001;
        var gaps = new long[Reads];
        for (int i = 0; i < Reads; i++)
        {
            long a = Stopwatch.GetTimestamp();
            long b = Stopwatch.GetTimestamp();
            gaps[i] = b - a;
        }

        Array.Sort(gaps);
        return gaps[Reads / 2];
    }
}
