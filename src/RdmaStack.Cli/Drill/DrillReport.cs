using RdmaStack.Cli.Perf;

namespace RdmaStack.Cli.Drill;

/// <summary>What a drill measured.</summary>
internal sealed record DrillReport
{
    public required DrillOptions Options { get; init; }

    public long Delivered { get; init; }

    public long Lost { get; init; }

    public long Duplicated { get; init; }

    public long OutOfOrder { get; init; }

    public long Corrupted { get; init; }

    public int Injected { get; init; }

    public IReadOnlyDictionary<FaultKind, int> InjectedByKind { get; init; } = new Dictionary<FaultKind, int>();

    public long Failovers { get; init; }

    public long UnexpectedFailovers { get; init; }

    /// <summary>Why the failovers not caused by an injected fault happened, with counts.</summary>
    public IReadOnlyDictionary<string, int> UnexpectedReasons { get; init; } = new Dictionary<string, int>();

    public long Restores { get; init; }

    public long MessagesResent { get; init; }

    public long ReaderSwitches { get; init; }

    public long FaultsReportedByReader { get; init; }

    /// <summary>Fault injected -> writer declares the link failed, per kind.</summary>
    public IReadOnlyDictionary<FaultKind, PerfSizeResult> Detection { get; init; } = new Dictionary<FaultKind, PerfSizeResult>();

    /// <summary>Detection -> first message delivered over the other link.</summary>
    public PerfSizeResult? Switchover { get; init; }

    /// <summary>Fault injected -> first message delivered over the other link.</summary>
    public PerfSizeResult? Total { get; init; }

    public double Seconds { get; init; }

    public string? Error { get; init; }

    public bool Passed => Error is null && Lost == 0 && Duplicated == 0 && OutOfOrder == 0 && Corrupted == 0 && Delivered == Options.Count && Injected == Options.Failures;
}
