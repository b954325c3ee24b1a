namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>What one processor process reports when it stops.</summary>
internal sealed record ProcessorResult
{
    public int Index { get; init; }

    public long Incarnation { get; init; }

    public long LastSequence { get; init; }

    public long InputsProcessed { get; init; }

    public long SnapshotsRestored { get; init; }

    public long SnapshotsSent { get; init; }

    public long ExternalCalls { get; init; }

    public string? StopReason { get; init; }

    public string? Error { get; init; }
}
