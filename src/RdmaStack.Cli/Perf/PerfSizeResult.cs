namespace RdmaStack.Cli.Perf;

/// <summary>The figures of one message size, perftest's columns. Latency test: one-way = RTT / 2.
/// Bandwidth test: the time per message, from blocks of <see cref="BlockMessages"/> messages.</summary>
internal sealed record PerfSizeResult
{
    public int Size { get; init; }

    public long Iterations { get; init; }

    public double TMinNs { get; init; }

    public double TTypicalNs { get; init; }

    public double TAvgNs { get; init; }

    public double P99Ns { get; init; }

    public double P999Ns { get; init; }

    public double TMaxNs { get; init; }

    /// <summary>The standard deviation of the samples (perftest's t_stdev), in ns.</summary>
    public double TStdevNs { get; init; }

    public double MessagesPerSecond { get; init; }

    public double MegabytesPerSecond { get; init; }

    /// <summary>Bandwidth test: messages per timed block; 0 for the latency test.</summary>
    public int BlockMessages { get; init; }

    /// <summary>Writer back-pressure events (bandwidth test).</summary>
    public long BackPressured { get; init; }

    /// <summary>The distribution for plots: [percentile, ns] pairs.</summary>
    public IReadOnlyList<double[]> Percentiles { get; init; } = [];
}
