using System.Globalization;
using RdmaStack.Cli.Commands;
using RdmaStack.Providers.Verbs;
using RdmaStack.Testing;

namespace RdmaStack.Cli.Drill;

/// <summary>The two-process drill: sender on <see cref="SenderDevices"/> (link 0, link 1), receiver on
/// <see cref="ReceiverDevices"/>; a link-down is `ip link set <see cref="Interfaces"/>[link] down`, or the operator's
/// <see cref="LinkDownCommand"/>. Both processes on this host (verbs, started by `rdmastack drill`), or one on each of
/// two hosts (<see cref="TwoHost"/>: verbs, or shared memory with both sides on this host, where the sender's fault
/// injector kills the link).</summary>
/// <param name="Drill">Count, failures, seed, geometry, stall timeout (links are 2, kinds are kill).</param>
/// <param name="SenderDevices">The sender's device of each link.</param>
/// <param name="ReceiverDevices">The receiver's device of each link.</param>
/// <param name="Interfaces">The sender-side network interface of each link (the one the drill takes down).</param>
/// <param name="AckTimeoutExponent">qp_attr.timeout of every queue pair.</param>
/// <param name="RetryCount">qp_attr.retry_cnt of every queue pair.</param>
/// <param name="MinDelay">Shortest wait, after both links are healthy, before the next link-down.</param>
/// <param name="MaxDelay">Longest such wait.</param>
internal sealed record VerbsDrillOptions(
    DrillOptions Drill, IReadOnlyList<string> SenderDevices, IReadOnlyList<string> ReceiverDevices, IReadOnlyList<string> Interfaces,
    int AckTimeoutExponent, int RetryCount, TimeSpan MinDelay, TimeSpan MaxDelay)
{
    /// <summary>The provider: verbs, or across "two hosts" on this one, shared memory.</summary>
    public ProviderKind Provider { get; init; } = ProviderKind.Verbs;

    /// <summary>Across two hosts: this side's settings (the server receives, the client sends); null on one host.</summary>
    public TwoHost? TwoHost { get; init; }

    /// <summary>The operator's link-down command (with {link}), or null for `ip link` on <see cref="Interfaces"/>.</summary>
    public string? LinkDownCommand { get; init; }

    /// <summary>The operator's link-up command (with {link}); given with <see cref="LinkDownCommand"/>.</summary>
    public string? LinkUpCommand { get; init; }

    /// <summary>Across two hosts, the name of the drill's stream (the same on both sides). It carries the TCP port, so
    /// drills on different ports never share a name (over shared memory, names name the mappings).</summary>
    public string TwoHostStreamName => string.Create(CultureInfo.InvariantCulture, $"drill-{TwoHost?.TcpPort}");

    /// <summary>Default link-downs in one lab run.</summary>
    public const int DefaultFailures = 12;

    /// <summary>Default messages: about 15 s of streaming at the 15,000-25,000 msg/s the verbs demo reaches under
    /// TCG; the writer holds the last tenth back until every link-down is done, so the count never runs out
    /// before the faults do.</summary>
    public const long DefaultCount = 300_000;

    /// <summary>Default ACK timeout exponent: 4.096 us x 2^12 = 16.8 ms per try.</summary>
    public const int DefaultAckTimeoutExponent = 12;

    /// <summary>Default retries: (3 + 1) x 16.8 ms = 67 ms to IBV_WC_RETRY_EXC_ERR when the peer is silent.</summary>
    public const int DefaultRetryCount = 3;

    /// <summary>Failover timing for TCG (30-60 us latency, ms-scale hiccups): a heartbeat every 2 ms; a link
    /// whose peer heartbeat stands still for 1 s is failed, a write the writer announced that has not landed
    /// within 200 ms is reported lost. Both are backstops: a link-down shows first as an error completion
    /// (1-3 ms after it on rxe) or a port error (about 0.2 s). They are that long because in the lab's 2 vCPUs
    /// the two hot threads share the emulated CPUs with the re-establishment of a link (device open, queue pair
    /// creation, handshake): a 200 ms bound was measured to fail healthy links while that ran.</summary>
    public static DrillOptions WithTcgTiming(DrillOptions drill) => drill with
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(2),
        HeartbeatTimeout = TcgHeartbeatTimeout,
        LostWriteTimeout = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>The two-process drill's heartbeat bound (see <see cref="WithTcgTiming"/>).</summary>
    public static TimeSpan TcgHeartbeatTimeout { get; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Polls of a slot failing its CRC before it counts as corrupt: under TCG a write can take
    /// milliseconds to land while the reader polls (the lab's verbs tests use the same).</summary>
    public const int TcgChecksumRetryLimit = 1 << 20;

    /// <summary>The queue pair settings.</summary>
    public VerbsOptions Connection => new() { AckTimeoutExponent = AckTimeoutExponent, RetryCount = RetryCount, ChecksumRetryLimit = TcgChecksumRetryLimit };

    /// <summary>One ACK timeout in microseconds: 4.096 x 2^exponent.</summary>
    public double AckTimeoutMicroseconds => 4.096 * Math.Pow(2, AckTimeoutExponent);

    /// <summary>One side's fabric: its two devices as links 0 and 1 (none over shared memory), the drill's geometry
    /// and TCG timing. On one host the two processes find each other through endpoint files; across two hosts the
    /// server listens on the TCP port (link k on port + k) and the client dials it, with the shared secret.</summary>
    public FabricOptions FabricOptions(IReadOnlyList<string> devices)
    {
        IReadOnlyList<string?> linkDevices = [.. devices.Select(d => Provider == ProviderKind.Verbs ? d : null)];
        FabricOptions options = Drill.FabricOptions with
        {
            Provider = Provider,
            Links = [.. linkDevices.Select(d => new LinkOptions { Device = d })],
            Verbs = Connection,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
            MaxReconnectAttempts = 600,
            LoggerFactory = CliLogging.Factory,
        };
        return TwoHost is { } t ? options with { Links = t.Links(linkDevices), Secret = t.Secret } : options;
    }

    /// <summary>How the sender takes links down: over shared memory its fault injector kills the link (running the
    /// operator's commands too, if given); over verbs the operator's commands, or `ip link` on <see cref="Interfaces"/>.</summary>
    /// <param name="faults">The injector attached to the sender's fabric (shared memory), or null.</param>
    /// <returns>The control; the caller disposes it.</returns>
    public ILinkControl CreateLinkControl(FaultInjector? faults)
    {
        CommandLinkControl? commands = LinkDownCommand is { } down ? new CommandLinkControl(down, LinkUpCommand ?? down) : null;
        return faults is not null ? new InjectedLinkControl(faults, commands) : commands ?? (ILinkControl)InterfaceControl.Start(Interfaces);
    }

    /// <summary>The port of the sender's devices whose state (sysfs) shows a link-down.</summary>
    public int IbPort => TwoHost?.IbPort ?? 1;

    /// <summary>The seeded link-down moments.</summary>
    public LinkDownSchedule Schedule => LinkDownSchedule.Create(Drill.Seed, Drill.Failures, MinDelay, MaxDelay);

    /// <summary>The options a peer process gets (after --role and --name).</summary>
    public IReadOnlyList<string> ToPeerArguments()
    {
        var ic = CultureInfo.InvariantCulture;
        return
        [
            "--provider", "verbs", "--failures", Drill.Failures.ToString(ic), "--seed", Drill.Seed.ToString(ic), "--count", Drill.Count.ToString(ic),
            "--segments", Drill.Segments.ToString(ic), "--slots", Drill.Slots.ToString(ic), "--size", Drill.Size.ToString(ic),
            "--timeout", Drill.StallTimeout.TotalSeconds.ToString(ic),
            "--device", string.Join(',', SenderDevices), "--peer-device", string.Join(',', ReceiverDevices), "--interfaces", string.Join(',', Interfaces),
            "--ack-timeout", AckTimeoutExponent.ToString(ic), "--retry-count", RetryCount.ToString(ic),
            "--delay", string.Create(ic, $"{MinDelay.TotalMilliseconds},{MaxDelay.TotalMilliseconds}"),
            .. LinkDownCommand is null ? Array.Empty<string>() : ["--link-down", LinkDownCommand, "--link-up", LinkUpCommand ?? LinkDownCommand],
            .. CpusOption.ToArguments(Drill.Cpus),
        ];
    }

    /// <summary>Parses a comma-separated pair ("rxe0,rxe2").</summary>
    /// <exception cref="FormatException">Not exactly two non-empty names.</exception>
    public static IReadOnlyList<string> ParsePair(string option, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 2 && parts.All(p => p.Length > 0)
            ? parts
            : throw new FormatException($"{option}: give two names, link 0's then link 1's (e.g. rxe0,rxe2), got '{text}'.");
    }

    /// <summary>The longest wait before a link-down, in milliseconds: a minute.</summary>
    public const double MaxDelayMilliseconds = 60_000;

    /// <summary>Parses "MIN,MAX" milliseconds.</summary>
    /// <exception cref="FormatException">Not two numbers with 0 &lt;= MIN &lt;= MAX &lt;= <see cref="MaxDelayMilliseconds"/>.</exception>
    public static (TimeSpan Min, TimeSpan Max) ParseDelay(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double min)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double max)
            && min >= 0 && max >= min && max <= MaxDelayMilliseconds)
        {
            return (TimeSpan.FromMilliseconds(min), TimeSpan.FromMilliseconds(max));
        }

        throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"--delay: give MIN,MAX milliseconds with 0 <= MIN <= MAX <= {MaxDelayMilliseconds:#,0}, got '{text}'."));
    }
}
