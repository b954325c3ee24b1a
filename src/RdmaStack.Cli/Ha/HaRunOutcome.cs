namespace RdmaStack.Cli.Ha;

/// <summary>One run of the HA demo (the unreplicated baseline, or the replicated run with its kills).</summary>
internal sealed record HaRunOutcome
{
    public required string Name { get; init; }

    /// <summary>The latency client's result (the timed orders), or null if it gave none.</summary>
    public HaClientResult? Latency { get; init; }

    public IReadOnlyList<HaClientResult> Clients { get; init; } = [];

    /// <summary>Each server's last result (the survivors of the end of the run).</summary>
    public IReadOnlyList<HaServerResult> Servers { get; init; } = [];

    public HaAuditResult? Audit { get; init; }

    public Samples.OrderMatching.ReferencePriceLedgerSummary Ledger { get; init; }

    /// <summary>Per kill: SIGKILL to the first reply from the new primary, and SIGKILL to its promotion (ms).</summary>
    public IReadOnlyList<(double FirstReplyMs, double PromotedMs, double RejoinMs)> Kills { get; init; } = [];

    /// <summary>Promotions not caused by a kill (a primary only slow), and step-downs that followed.</summary>
    public long FalsePromotions { get; init; }

    /// <summary>Kills that struck a server already superseded because a false promotion swapped the roles just before
    /// (not counted; done again).</summary>
    public long BackupsKilled { get; init; }

    /// <summary>Checkpoints compared by the backups over the run (each backup's count when it was promoted or stopped).</summary>
    public long CheckpointsVerified { get; init; }

    /// <summary>Divergences reported by any backup.</summary>
    public long Divergences { get; init; }

    /// <summary>The final primary's and backup's state digests (null when there was no backup at the end).</summary>
    public ulong PrimaryDigest { get; init; }

    public ulong? BackupDigest { get; init; }

    /// <summary>Whether the final backup was joined when it was stopped (a backup the primary had just dropped was
    /// asking for the state again; its digest is compared all the same).</summary>
    public bool BackupJoinedAtEnd { get; init; } = true;

    /// <summary>Whether the lookups were declared repeatable (a key reaching the ledger twice is then allowed).</summary>
    public bool RepeatableCalls { get; init; }

    /// <summary>What stopped the run early, or null.</summary>
    public string? Error { get; init; }

    public bool DigestsAgree => Audit is not null && PrimaryDigest == Audit.Digest && (BackupDigest is null || BackupDigest == PrimaryDigest);

    public bool Passed => Error is null && Audit is { Lost: 0, ExecutedTwice: 0, Mismatches: 0 } && DigestsAgree
        && (RepeatableCalls || Ledger.KeysCalledTwice == 0) && Divergences == 0 && Clients.All(c => c.Error is null);
}
