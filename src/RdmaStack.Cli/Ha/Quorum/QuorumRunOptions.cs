namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// What `rdmastack ha quorum` runs: the replicator, N processors of the order book and C clients as separate
/// processes, with the faults to inject (a processor killed with SIGKILL and restarted, one returning wrong bytes, one
/// slow).
/// </summary>
internal sealed record QuorumRunOptions
{
    public int Processors { get; init; } = 3;

    /// <summary>0: a majority.</summary>
    public int Quorum { get; init; }

    public int Clients { get; init; } = 2;

    /// <summary>Orders each client sends.</summary>
    public int Count { get; init; } = 5_000;

    /// <summary>Orders each client keeps unanswered at most.</summary>
    public int InFlight { get; init; } = 8;

    /// <summary>The processor killed with SIGKILL mid-run, or null.</summary>
    public int? KillProcessor { get; init; }

    /// <summary>Answers after which it is killed (null: a third of the run).</summary>
    public long? KillAfter { get; init; }

    /// <summary>A processor that exits before the end is started again (next incarnation) after this long; negative: never.</summary>
    public TimeSpan RestartAfter { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A processor that returns wrong bytes, or null.</summary>
    public int? CorruptProcessor { get; init; }

    /// <summary>Its every M-th output (by sequence) is corrupted.</summary>
    public int CorruptEvery { get; init; } = 50;

    /// <summary>A processor that spends <see cref="SlowMicros"/> more on each input, or null.</summary>
    public int? SlowProcessor { get; init; }

    public int SlowMicros { get; init; } = 200;

    public QuorumProviderChoice Provider { get; init; } = QuorumProviderChoice.SharedMemory;

    /// <summary>The quorum's heartbeat timeout (a processor silent this long is ejected as dead).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The transport's heartbeat timeout on every link.</summary>
    public TimeSpan LinkTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the processes may take to find each other at start (the replicator the processors' hellos, a
    /// processor and a client the replicator).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The whole run's limit.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>The clients' orders are drawn from this seed (plus the client id).</summary>
    public int Seed { get; init; } = 20_261_201;

    /// <summary>spin, yield or backoff: the hot threads' idle strategy.</summary>
    public string Idle { get; init; } = "backoff";

    /// <summary>The largest message (and the transport's slot payload).</summary>
    public int MessageLength { get; init; } = 256;
}
