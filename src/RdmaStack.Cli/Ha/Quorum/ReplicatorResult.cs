using RdmaStack.HighAvailability.Quorum;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>What the replicator process reports at the end.</summary>
internal sealed record ReplicatorResult
{
    public long Sequenced { get; init; }

    public long Agreed { get; init; }

    public long NoQuorum { get; init; }

    public long Rejected { get; init; }

    public long Dissents { get; init; }

    public long LateResponses { get; init; }

    public long Ejections { get; init; }

    public long Readmissions { get; init; }

    public long TransfersFailed { get; init; }

    public long CallsExecuted { get; init; }

    public long CallsRefused { get; init; }

    public int ClientsDone { get; init; }

    public IReadOnlyList<QuorumProcessorStatus> Processors { get; init; } = [];

    public IReadOnlyList<string> Events { get; init; } = [];

    public LatencySummary ToQuorum { get; init; } = new();

    public LatencySummary ToFastest { get; init; } = new();

    public string? Error { get; init; }
}
