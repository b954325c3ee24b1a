using System.CommandLine;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Drill;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Commands;

/// <summary>The options `drill` and its peer processes (`drill-peer`, the verbs drill) share, with defaults
/// and bounds. --failures and --count default to the shared-memory drill's figures, or to the verbs drill's
/// (<see cref="VerbsDrillOptions.DefaultFailures"/>, <see cref="VerbsDrillOptions.DefaultCount"/>) when not given.</summary>
internal sealed class DrillOptionSet
{
    /// <summary>The shared-memory drill's default --count.</summary>
    public const long DefaultCount = 2_000_000;

    public Option<int?> Failures { get; } = new("--failures") { Description = "Faults to inject into the active link (default: 200 shm, 12 verbs)" };

    public Option<int?> Seed { get; } = new("--seed") { Description = "Seed of the fault schedule (printed; random if omitted)" };

    public Option<long?> Count { get; } = new("--count") { Description = "Messages to stream (default: 2,000,000 shm, 300,000 verbs)" };

    public Option<int> Links { get; } = new("--links") { Description = $"Links in the group (2 to {FabricOptions.MaxLinks}; verbs: 2)", DefaultValueFactory = _ => 2 };

    public Option<int> Segments { get; } = new("--segments") { Description = "Segments per queue", DefaultValueFactory = _ => 4 };

    public Option<int> Slots { get; } = new("--slots") { Description = "Slots per segment", DefaultValueFactory = _ => 64 };

    public Option<int> Size { get; } = new("--size") { Description = "Bytes per message (at least 8)", DefaultValueFactory = _ => 64 };

    public Option<string> Kinds { get; } = new("--kinds") { Description = "shm: fault kinds to draw from: kill, corrupt, drop", DefaultValueFactory = _ => "kill,corrupt,drop" };

    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds without progress before giving up", DefaultValueFactory = _ => 30 };

    public Option<string?> Cpus { get; } = CpusOption.Create();

    public Option<string> Provider { get; } = new("--provider") { Description = "shm (one process, fault injectors; default) or verbs (two processes, real link-downs)", DefaultValueFactory = _ => "shm" };

    public Option<string> Device { get; } = new("--device", "-d") { Description = "verbs: the sender's devices of link 0 and link 1; two hosts: this side's (perftest's -d)", DefaultValueFactory = _ => "rxe0,rxe2" };

    public Option<string> PeerDevice { get; } = new("--peer-device") { Description = "verbs, one host: the receiver's devices of link 0 and link 1", DefaultValueFactory = _ => "rxe1,rxe3" };

    public Option<string> Interfaces { get; } = new("--interfaces") { Description = "verbs: the interfaces the drill takes down for link 0 and link 1 with `ip link` (needs root), unless --link-down is given", DefaultValueFactory = _ => "vethA,vethC" };

    public Option<string?> LinkDown { get; } = new("--link-down") { Description = $"The sender's command that takes link {CommandLinkControl.Placeholder} (0 or 1) down, run by /bin/sh -c (e.g. a switch-port toggle); with --link-up. Over shared memory (two hosts on this one) it runs before the fault injector kills the link" };

    public Option<string?> LinkUp { get; } = new("--link-up") { Description = $"The sender's command that brings link {CommandLinkControl.Placeholder} back up; with --link-down" };

    /// <summary>Two hosts: -i, -x, -p, --secret-file and the server's address (the client sends, the server receives).</summary>
    public TwoHostOptionSet TwoHost { get; } = new();

    public Option<int> AckTimeout { get; } = new("--ack-timeout") { Description = "verbs: qp_attr.timeout, ACK timeout 4.096 us x 2^value", DefaultValueFactory = _ => VerbsDrillOptions.DefaultAckTimeoutExponent };

    public Option<int> RetryCount { get; } = new("--retry-count") { Description = "verbs: qp_attr.retry_cnt (0-6; 7 retries forever on rxe)", DefaultValueFactory = _ => VerbsDrillOptions.DefaultRetryCount };

    public Option<string> Delay { get; } = new("--delay") { Description = "verbs: MIN,MAX ms to wait, once both links are healthy, before the next link-down (seeded)", DefaultValueFactory = _ => "300,900" };

    /// <summary>The most faults one drill injects.</summary>
    public const int MaxFailures = 1_000_000;

    public DrillOptionSet()
    {
        Failures.Whole(0, MaxFailures);
        Seed.Whole(int.MinValue, int.MaxValue);
        Count.Whole(1, StreamChecker.MaxCount, "the receiver keeps a bit per message");
        Links.Whole(2, FabricOptions.MaxLinks, "a failover needs a standby");
        Segments.Whole(SegmentedQueueGeometry.MinSegments, SegmentedQueueGeometry.MaxSegments);
        Slots.Whole(1, SegmentedQueueGeometry.MaxSlotsPerSegment);
        Size.Whole(8, SegmentedQueueGeometry.MaxSlotPayload, "bytes; the payload carries its sequence");
        Kinds.Validators.Add(r => Check(r, () => DrillCommand.ParseKinds(r.GetValueOrDefault<string>()!)));
        Timeout.Number(0.001, RunChecks.MaxTimeoutSeconds, "seconds");
        Provider.AcceptOnlyFromAmong("shm", "verbs");
        Device.Validators.Add(r => Check(r, () => VerbsDrillOptions.ParsePair("--device", r.GetValueOrDefault<string>()!)));
        PeerDevice.Validators.Add(r => Check(r, () => VerbsDrillOptions.ParsePair("--peer-device", r.GetValueOrDefault<string>()!)));
        Interfaces.Validators.Add(r => Check(r, () => VerbsDrillOptions.ParsePair("--interfaces", r.GetValueOrDefault<string>()!)));
        AckTimeout.Whole(1, 31, "ACK timeout 4.096 us x 2^value");
        RetryCount.Whole(0, 6, "rxe retries forever at 7, and a dead link would never be detected");
        Delay.Validators.Add(r => Check(r, () => VerbsDrillOptions.ParseDelay(r.GetValueOrDefault<string>()!)));
    }

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Failures, Seed, Count, Links, Segments, Slots, Size, Kinds, Timeout, Cpus, Provider, Device, PeerDevice, Interfaces, AckTimeout, RetryCount, Delay, LinkDown, LinkUp })
        {
            command.Options.Add(option);
        }

        TwoHost.AddTo(command);
        CommandChecks.Add(command, Check);
    }

    public bool IsVerbs(ParseResult result) => result.GetValue(Provider) == "verbs";

    /// <summary>Whether the run is the two-process drill (verbs on one host, or either provider across two hosts).</summary>
    public bool IsTwoProcess(ParseResult result) => IsVerbs(result) || TwoHost.IsTwoHost(result);

    /// <summary>The shared-memory drill's options, or the core of the two-process drill's (links 2, kind kill, TCG timing).</summary>
    public DrillOptions Bind(ParseResult result)
    {
        bool verbs = IsTwoProcess(result);
        var options = new DrillOptions(
            result.GetValue(Failures) ?? (verbs ? VerbsDrillOptions.DefaultFailures : 200),
            result.GetValue(Seed) ?? Random.Shared.Next(),
            result.GetValue(Count) ?? (verbs ? VerbsDrillOptions.DefaultCount : DefaultCount),
            verbs ? 2 : result.GetValue(Links),
            result.GetValue(Segments),
            result.GetValue(Slots),
            result.GetValue(Size),
            verbs ? [FaultKind.Kill] : DrillCommand.ParseKinds(result.GetValue(Kinds)!),
            CpusOption.Parse(result.GetValue(Cpus)),
            TimeSpan.FromSeconds(result.GetValue(Timeout)));
        return verbs ? VerbsDrillOptions.WithTcgTiming(options) : options;
    }

    /// <summary>The two-process drill's options; across two hosts this side's devices are --device, and the secret is read.</summary>
    public VerbsDrillOptions BindVerbs(ParseResult result)
    {
        (TimeSpan min, TimeSpan max) = VerbsDrillOptions.ParseDelay(result.GetValue(Delay)!);
        TwoHost? twoHost = TwoHost.IsTwoHost(result) ? TwoHost.Bind(result) : null;
        IReadOnlyList<string> devices = VerbsDrillOptions.ParsePair("--device", result.GetValue(Device)!);
        return new VerbsDrillOptions(
            Bind(result),
            devices,
            twoHost is null ? VerbsDrillOptions.ParsePair("--peer-device", result.GetValue(PeerDevice)!) : devices,
            VerbsDrillOptions.ParsePair("--interfaces", result.GetValue(Interfaces)!),
            result.GetValue(AckTimeout),
            result.GetValue(RetryCount),
            min,
            max)
        {
            Provider = IsVerbs(result) ? ProviderKind.Verbs : ProviderKind.SharedMemory,
            TwoHost = twoHost,
            LinkDownCommand = result.GetValue(LinkDown),
            LinkUpCommand = result.GetValue(LinkUp),
        };
    }

    /// <summary>The rules between options: the link commands come as a pair naming the link, and only where a link is
    /// taken down by the sender; across two hosts each side names its own devices, and the server takes what the
    /// client sends; the one-process drill needs a message between faults; the queue, the timeout and the CPUs make
    /// sense.</summary>
    private void Check(ParseResult r, ICollection<string> errors)
    {
        string? down = r.GetValue(LinkDown);
        string? up = r.GetValue(LinkUp);
        bool verbs = IsVerbs(r);
        bool twoHost = TwoHost.IsTwoHost(r);
        bool server = twoHost && r.GetValue(TwoHost.Server) is null;
        bool oneProcess = !verbs && !twoHost;
        if ((down is null) != (up is null))
        {
            errors.Add("--link-down and --link-up come together: the drill brings back every link it takes down.");
        }

        foreach ((string name, string? command) in new[] { ("--link-down", down), ("--link-up", up) })
        {
            if (command is not null && !command.Contains(CommandLinkControl.Placeholder, StringComparison.Ordinal))
            {
                errors.Add($"{name} '{command}' must name the link with {CommandLinkControl.Placeholder} (replaced by 0 or 1).");
            }
        }

        if (down is not null && oneProcess)
        {
            errors.Add("--link-down: the shared-memory drill on one host injects its faults in process; the link commands are for --provider verbs or two hosts.");
        }

        if (twoHost && CommandChecks.Given(r, PeerDevice))
        {
            errors.Add("--peer-device runs both processes on this host; across two hosts each side names its own devices with -d.");
        }

        if (server && new Option[] { Count, Failures, Seed, Delay, Interfaces, LinkDown, LinkUp }.FirstOrDefault(o => CommandChecks.Given(r, o)) is { } clientOnly)
        {
            errors.Add($"{clientOnly.Name}: the server (no address given) only receives; give it to the client, which sends and takes the links down.");
        }

        if (!oneProcess && new Option[] { Links, Kinds }.FirstOrDefault(o => CommandChecks.Given(r, o)) is { } shmOnly)
        {
            errors.Add($"{shmOnly.Name}: the two-process drill (verbs, or two hosts) runs over two links and takes them down; {shmOnly.Name} is for the shared-memory drill in one process.");
        }

        RunChecks.Geometry(r, errors, Segments, Slots, r.GetValue(Size), Size.Name);

        // The one-process drill spreads its faults over the stream, one place per fault.
        long count = r.GetValue(Count) ?? DefaultCount;
        if (oneProcess && r.GetValue(Failures) is int failures && failures >= count)
        {
            errors.Add($"{Failures.Name} {failures} needs a longer stream: {Count.Name} must be more than the faults (it is {count}).");
        }

        RunChecks.Timeout(r, errors, Timeout, oneProcess ? DrillOptions.DefaultHeartbeatTimeout : VerbsDrillOptions.TcgHeartbeatTimeout, "the drill's links");
        RunChecks.Cpus(r, errors, Cpus, oneHost: !twoHost);
    }

    private static void Check(System.CommandLine.Parsing.OptionResult r, Action parse)
    {
        try
        {
            parse();
        }
        catch (FormatException e)
        {
            r.AddError(e.Message);
        }
    }
}
