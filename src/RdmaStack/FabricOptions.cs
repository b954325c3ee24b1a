using System.Globalization;
using Microsoft.Extensions.Logging;
using System.Net;
using RdmaStack.Failover;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Providers.SharedMemory;
using RdmaStack.Providers.Verbs;
using RdmaStack.Queues;
using RdmaStack.Threading;
using RdmaStack.Transport;

namespace RdmaStack;

/// <summary>
/// Everything a <see cref="Fabric"/> needs: the provider, the links (one to four, a failover group), the queue
/// geometry, the timeouts, the secret, the idle strategy of the library's own waits, and where its threads run.
/// Both sides of a stream must use the same provider, geometry, number of links and heartbeat settings.
/// </summary>
/// <remarks>
/// <para>Defaults suit two processes of one host over shared memory with one link; for verbs set
/// <see cref="Provider"/> and give each link its device; for NetworkDirect (Windows) give each link its adapter's IP
/// address as the device.</para>
/// <para>Failure detection: a link is declared failed on an error completion or a failed write at once, and at the
/// latest when the peer's heartbeat (written every <see cref="HeartbeatInterval"/>) has not moved for
/// <see cref="HeartbeatTimeout"/>. Keep the timeout several intervals long and above the host's scheduling noise.</para>
/// </remarks>
public sealed record FabricOptions
{
    /// <summary>The most links a stream can have.</summary>
    public const int MaxLinks = ControlBlockDescriptor.MaxLinks;

    /// <summary>The fabric (default <see cref="ProviderKind.SharedMemory"/>).</summary>
    public ProviderKind Provider { get; init; } = ProviderKind.SharedMemory;

    /// <summary>The links every stream of the fabric runs over, 1 to <see cref="MaxLinks"/> (default: one link with
    /// default options). Link i of one side talks to link i of the other.</summary>
    public IReadOnlyList<LinkOptions> Links { get; init; } = [new LinkOptions()];

    /// <summary>The shape of every stream's queue (default 4 segments x 256 slots x 64 B).</summary>
    public SegmentedQueueGeometry Geometry { get; init; } = new(4, 256, 64);

    /// <summary>The shared secret of the handshake. Required when a link has a <see cref="LinkOptions.Listen"/> or
    /// <see cref="LinkOptions.Peer"/> endpoint (two hosts); when null, one host's processes use a generated secret
    /// handed over in the endpoint file (readable by this user only).</summary>
    public HandshakeSecret? Secret { get; init; }

    /// <summary>Where endpoint files are written and read for links without endpoints (two processes of one host;
    /// default /dev/shm, else the temporary folder).</summary>
    public string RendezvousDirectory { get; init; } = SharedMemoryProvider.Directory;

    /// <summary>How long one connection attempt may take: dialling, the whole handshake, and the provider's set-up
    /// (for verbs, waiting for the port to be active). Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long closing a publication waits for the reader to acknowledge everything offered (default 5 s):
    /// <see cref="Publication.Dispose"/> and <see cref="Fabric.Dispose"/> use it; <see cref="Publication.Close"/> takes
    /// its own.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many accepted connections may be in their handshake at once per link (default 4); more are
    /// refused at once, so a slow or hostile peer cannot hold up the others.</summary>
    public int MaxConcurrentHandshakes { get; init; } = 4;

    /// <summary>How often each side writes its heartbeat on every link (default 1 ms).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>A peer heartbeat that has not moved for this long marks the link failed (default 50 ms). On a new
    /// connection it applies from the peer's first heartbeat; until then the peer has <see cref="ConnectTimeout"/>, so
    /// that a peer still touching a large ring is not taken for a dead one.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The reader reports a lost write when the writer says it wrote past what arrived and nothing new comes
    /// for this long (default 20 ms).</summary>
    public TimeSpan LostWriteTimeout { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The wait before the first retry of a failed connection attempt (default 10 ms); each further retry
    /// waits twice as long, up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest wait between connection attempts (default 1 s).</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many attempts the dialling side makes to (re-)establish a link before it gives the link up
    /// (default 120, about two minutes with the default delays); the stream goes on over its other links.</summary>
    public int MaxReconnectAttempts { get; init; } = 120;

    /// <summary>Makes the idle strategy of the library's own waits on the caller's thread
    /// (<see cref="Publication.WaitForConnection"/>, <see cref="Publication.Close"/>): default spin, then yield, then
    /// sleep with back-off.</summary>
    public Func<IIdleStrategy> IdleStrategy { get; init; } = static () => Threading.IdleStrategy.Backoff();

    /// <summary>CPUs kept for the application's hot threads (the threads that call Offer and Poll): the library never
    /// runs its own threads there, and <see cref="Fabric.PinHotThread"/> pins a thread to one of them. Null: none.</summary>
    public IReadOnlyList<int>? HotCpus { get; init; }

    /// <summary>CPUs the library's own threads (connection supervision, acceptors, handshakes) run on. Null: every CPU
    /// of the process except <see cref="HotCpus"/>.</summary>
    public IReadOnlyList<int>? BackgroundCpus { get; init; }

    /// <summary>Receives link events (connected, failed, re-established, refused handshakes). Nothing is logged from
    /// the hot path. Null: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Queue pair settings of the verbs provider (ack timeout and retries, inline size, send queue depth).</summary>
    public VerbsOptions Verbs { get; init; } = VerbsOptions.Default;

    /// <summary>Where the NetworkDirect provider finds its providers (tests: the loopback test double). Null: the
    /// Winsock catalog, which only Windows has.</summary>
    internal INetworkDirectProviderSource? NetworkDirectSource { get; init; }

    /// <summary>Wraps every channel the provider makes, per link (tests: a fault injector).</summary>
    internal Func<int, IRemoteWriteChannel, IRemoteWriteChannel>? DecorateChannel { get; init; }

    /// <summary>The clock of failure detection (tests: an adjustable one).</summary>
    internal TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The failover layer's settings.</summary>
    internal FailoverOptions Failover => new()
    {
        HeartbeatInterval = HeartbeatInterval,
        HeartbeatTimeout = HeartbeatTimeout,
        FirstHeartbeatTimeout = ConnectTimeout,
        LostWriteTimeout = LostWriteTimeout,
    };

    /// <summary>Checks every value; called by <see cref="Fabric.Connect"/>.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it and the rule.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Links);
        ArgumentNullException.ThrowIfNull(Geometry);
        ArgumentNullException.ThrowIfNull(IdleStrategy);
        ArgumentNullException.ThrowIfNull(Verbs);
        if (!Enum.IsDefined(Provider))
        {
            throw new ArgumentException($"Unknown provider {Provider}.", nameof(Provider));
        }

        if (Links.Count is < 1 or > MaxLinks)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A fabric has 1 to {MaxLinks} links, got {Links.Count}."), nameof(Links));
        }

        for (int i = 0; i < Links.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(Links[i], nameof(Links));
            Links[i].Validate(i);
            if (Provider == ProviderKind.Verbs && Links[i].Device is null)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Link {i}: the verbs provider needs a device (LinkOptions.Device, e.g. mlx5_0 or rxe0)."), nameof(Links));
            }

            if (Provider == ProviderKind.NetworkDirect && !IPAddress.TryParse(Links[i].Device ?? string.Empty, out _))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Link {i}: the NetworkDirect provider names an adapter by its local IP address (LinkOptions.Device, e.g. 192.168.10.1), got {(Links[i].Device is null ? "none" : $"'{Links[i].Device}'")}."),
                    nameof(Links));
            }
        }

        if (Provider == ProviderKind.NetworkDirect && NetworkDirectSource is null && !OperatingSystem.IsWindows())
        {
            PlatformNotSupportedException why = NetworkDirectDiscovery.NotOnThisPlatform();
            throw new ArgumentException($"ProviderKind.NetworkDirect does not run on this platform: {why.Message}", nameof(Provider), why);
        }

        bool endpoints = Links.Any(l => l.Listen is not null || l.Peer is not null);
        if (endpoints && Secret is null)
        {
            throw new ArgumentException("A link with a Listen or Peer endpoint (two hosts) needs FabricOptions.Secret: HandshakeSecret.FromFile or FromEnvironment.", nameof(Secret));
        }

        Positive(ConnectTimeout, nameof(ConnectTimeout));
        if (CloseTimeout < TimeSpan.Zero || CloseTimeout == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"CloseTimeout must be zero or a positive, finite time; got {CloseTimeout}.", nameof(CloseTimeout));
        }

        Positive(HeartbeatInterval, nameof(HeartbeatInterval));
        Positive(HeartbeatTimeout, nameof(HeartbeatTimeout));
        Positive(LostWriteTimeout, nameof(LostWriteTimeout));
        Positive(ReconnectDelay, nameof(ReconnectDelay));
        if (MaxReconnectDelay < ReconnectDelay)
        {
            throw new ArgumentException($"MaxReconnectDelay ({MaxReconnectDelay}) is shorter than ReconnectDelay ({ReconnectDelay}).", nameof(MaxReconnectDelay));
        }

        if (HeartbeatTimeout <= HeartbeatInterval)
        {
            throw new ArgumentException($"HeartbeatTimeout ({HeartbeatTimeout.TotalMilliseconds} ms) must be longer than HeartbeatInterval ({HeartbeatInterval.TotalMilliseconds} ms), by several intervals.", nameof(HeartbeatTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReconnectAttempts, 1, nameof(MaxReconnectAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentHandshakes, 1, nameof(MaxConcurrentHandshakes));
        ArgumentException.ThrowIfNullOrEmpty(RendezvousDirectory, nameof(RendezvousDirectory));
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"{name} must be a positive, finite time; got {value}.", name);
        }
    }
}
