using System.Globalization;
using RdmaStack.Cli.Demo;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Providers.Verbs;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Ha;

/// <summary>
/// What every process of an HA demo run shares: the provider and its devices, the failure bounds, and the idle
/// strategy. Servers and clients get them as arguments (<see cref="ToArguments"/>).
/// </summary>
/// <param name="Provider">shm, or verbs with server 0 on Device and server 1 on PeerDevice.</param>
/// <param name="HeartbeatInterval">The primary's heartbeat to the backup when it has nothing else to send.</param>
/// <param name="PromotionTimeout">The backup promotes itself after this long without a word from the primary.</param>
/// <param name="BackupTimeout">The primary goes on alone after this long without a word from the backup.</param>
/// <param name="LinkTimeout">The transport's own heartbeat timeout on every link.</param>
/// <param name="Idle">The hot threads' idle strategy: backoff, yield or spin (<see cref="NewIdleStrategy"/>).</param>
/// <param name="Calls">once: the reference-price lookups are replicated as intents first (each key reaches the
/// ledger once); repeatable: they are declared reads (<c>IExternalService.IsRepeatable</c>), one round trip to the
/// backup fewer per order, and a key may reach the ledger again after a failover.</param>
internal sealed record HaSettings(ProviderChoice Provider, TimeSpan HeartbeatInterval, TimeSpan PromotionTimeout, TimeSpan BackupTimeout, TimeSpan LinkTimeout, string Idle = "backoff", string Calls = "once")
{
    /// <summary>The largest message on any stream: the slot payload.</summary>
    public const int MaxMessage = 512;

    /// <summary>Spins before an idle thread yields (backoff).</summary>
    public const int IdleSpins = 100;

    /// <summary>Yields before an idle thread sleeps (backoff).</summary>
    public const int IdleYields = 50;

    /// <summary>Spins before an idle thread yields (yield): few, so a thread sharing a core with another hands it over
    /// within microseconds. Measured on 2 vCPUs: 1,000 spins kept a replica that shared its core with a client off it
    /// for hundreds of microseconds per hop (replicated reply p50 111-400 us against 17-21 us with 10-30 spins).</summary>
    public const int YieldSpins = 20;

    /// <summary>A verbs handshake's bound: 30 s, as `rdmastack demo` (a process that compiles its connection code at
    /// its first use takes seconds for it under TCG).</summary>
    private static readonly TimeSpan s_verbsConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The queues: 4 segments of 128 slots of <see cref="MaxMessage"/> bytes.</summary>
    public static SegmentedQueueGeometry Geometry { get; } = new(4, 128, MaxMessage);

    /// <summary>The words for the report.</summary>
    public string IdleDescription => Idle switch
    {
        "yield" => string.Create(CultureInfo.InvariantCulture, $"every hot thread (the replicas' and the clients'): spin {YieldSpins} passes, then yield the core, never sleep (both cores stay busy)"),
        "spin" => "every hot thread (the replicas' and the clients'): busy spin, never yield (only with a core for each)",
        _ => string.Create(CultureInfo.InvariantCulture, $"every hot thread (the replicas' and the clients'): back-off, spin {IdleSpins} passes, yield {IdleYields}, then sleep 1 ms at a time"),
    };

    /// <summary>
    /// The idle strategy of every hot thread. backoff (this record's default, which the process tests use; the command
    /// line's `--idle` defaults to yield): spin briefly (a reply or a replicated input
    /// usually follows within microseconds), then yield the core to the other processes, then sleep 1 ms at a time;
    /// sleeping costs up to a millisecond of wake-up after an idle stretch (the p99 of a reply) but leaves the cores to
    /// others. yield: spin <see cref="YieldSpins"/> passes, then yield for as long as there is nothing to do; threads
    /// that share a core hand it to each other at each yield, so a reply waits microseconds, not a sleep, and both
    /// cores stay busy. spin: for a core per hot thread only (four or five hot threads share two cores here).
    /// </summary>
    public IIdleStrategy NewIdleStrategy() => Idle switch
    {
        "yield" => IdleStrategy.SpinThenYield(YieldSpins),
        "spin" => IdleStrategy.BusySpin(),
        _ => IdleStrategy.Backoff(IdleSpins, IdleYields, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)),
    };

    /// <summary>The fabric server <paramref name="server"/> opens: for verbs, its own device.</summary>
    public FabricOptions ServerFabric(int server) => Fabric(server == 0 ? Provider.Device : Provider.ReceiverDevice);

    /// <summary>The fabric a client reaches server <paramref name="server"/> over: for verbs, the other end of that
    /// server's wire (server 0's peer device is server 1's, and the other way round).</summary>
    public FabricOptions ClientFabric(int server) => Fabric(server == 0 ? Provider.ReceiverDevice : Provider.Device);

    public bool IsVerbs => Provider.Name == "verbs";

    /// <summary>Whether the reference-price lookups are declared repeatable (<c>--calls repeatable</c>).</summary>
    public bool RepeatableCalls => Calls == "repeatable";

    /// <summary>How long a joining backup waits for the state before it asks again: 100 ms, or the promotion bound
    /// when that is longer (a host slow enough to need a long bound is slow to answer too, and each request asked
    /// again is a whole state transfer more).</summary>
    public TimeSpan JoinRetryInterval => PromotionTimeout > TimeSpan.FromMilliseconds(100) ? PromotionTimeout : TimeSpan.FromMilliseconds(100);

    /// <summary>A replica's settings.</summary>
    public ReplicaOptions Replica(ReplicaRole role, string journal, int sessionWindow) => new()
    {
        InitialRole = role,
        SessionWindow = sessionWindow,
        MaxMessageLength = MaxMessage,
        HeartbeatInterval = HeartbeatInterval,
        PromotionTimeout = PromotionTimeout,
        BackupTimeout = BackupTimeout,
        JoinRetryInterval = JoinRetryInterval,
        JournalPath = journal,
        IdleStrategy = NewIdleStrategy,
    };

    /// <summary>A client's settings.</summary>
    public static ReplicaClientOptions Client(int window) => new()
    {
        MaxMessageLength = MaxMessage,
        Window = window,
        ResendTimeout = TimeSpan.FromSeconds(1),
    };

    /// <summary>The same settings as arguments for the server and client processes.</summary>
    public IEnumerable<string> ToArguments() =>
    [
        .. Commands.ProviderOptionSet.ToArguments(Provider),
        "--heartbeat-ms", Ms(HeartbeatInterval),
        "--promotion-timeout-ms", Ms(PromotionTimeout),
        "--backup-timeout-ms", Ms(BackupTimeout),
        "--link-timeout-ms", Ms(LinkTimeout),
        "--idle", Idle,
        "--calls", Calls,
    ];

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// How often each side of a link heartbeats: a 50th of the link timeout, at least 1 ms (the library's 1 ms with the
    /// default 50 ms timeout). Each heartbeat is a write to the peer; over verbs an RDMA WRITE, which the Soft-RoCE
    /// lab's emulated NICs (rxe under TCG) pay tens of microseconds of emulated CPU for. A fixed 1 ms cost a replicated
    /// run there (2 servers and 2 clients, 20 streams) tens of thousands of packets a second, which starved the
    /// processes themselves.
    /// </summary>
    public TimeSpan LinkHeartbeatInterval => TimeSpan.FromMilliseconds(Math.Max(1, LinkTimeout.TotalMilliseconds / 50));

    private FabricOptions Fabric(string? device) => IsVerbs
        ? new FabricOptions
        {
            Provider = ProviderKind.Verbs,
            Links = [new LinkOptions { Device = device }],
            Geometry = Geometry,
            Verbs = VerbsOptions.Default,
            HeartbeatInterval = LinkHeartbeatInterval,
            HeartbeatTimeout = LinkTimeout,
            LostWriteTimeout = LinkTimeout / 2,
            ConnectTimeout = s_verbsConnectTimeout,
            LoggerFactory = CliLogging.Factory,
        }
        : new FabricOptions
        {
            Geometry = Geometry,
            HeartbeatInterval = LinkHeartbeatInterval,
            HeartbeatTimeout = LinkTimeout,
            LostWriteTimeout = LinkTimeout / 2,
            LoggerFactory = CliLogging.Factory,
        };
}
