using HdrHistogram;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>Percentiles of one latency, in microseconds.</summary>
internal sealed record LatencySummary
{
    public long Count { get; init; }

    public double P50Us { get; init; }

    public double P99Us { get; init; }

    public double P999Us { get; init; }

    public double MaxUs { get; init; }

    public static LatencySummary Of(LongHistogram nanoseconds) => new()
    {
        Count = nanoseconds.TotalCount,
        P50Us = nanoseconds.TotalCount == 0 ? 0 : nanoseconds.GetValueAtPercentile(50) / 1000.0,
        P99Us = nanoseconds.TotalCount == 0 ? 0 : nanoseconds.GetValueAtPercentile(99) / 1000.0,
        P999Us = nanoseconds.TotalCount == 0 ? 0 : nanoseconds.GetValueAtPercentile(99.9) / 1000.0,
        MaxUs = nanoseconds.TotalCount == 0 ? 0 : nanoseconds.GetMaxValue() / 1000.0,
    };
}
