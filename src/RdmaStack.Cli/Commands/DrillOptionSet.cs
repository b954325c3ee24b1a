using System.CommandLine;
using RdmaStack.Cli.Drill;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Commands;

/// <summary>The options `drill` and its peer processes (`drill-peer`, the verbs drill) share, with defaults
/// and bounds. --failures and --count default to the shared-memory drill's figures, or to the verbs drill's
/// (<see cref="VerbsDrillOptions.DefaultFailures"/>, <see cref="VerbsDrillOptions.DefaultCount"/>) when not given.</summary>
internal sealed class DrillOptionSet
{
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

    public Option<string> Device { get; } = new("--device") { Description = "verbs: the sender's devices of link 0 and link 1", DefaultValueFactory = _ => "rxe0,rxe2" };

    public Option<string> PeerDevice { get; } = new("--peer-device") { Description = "verbs: the receiver's devices of link 0 and link 1", DefaultValueFactory = _ => "rxe1,rxe3" };

    public Option<string> Interfaces { get; } = new("--interfaces") { Description = "verbs: the interfaces the drill takes down for link 0 and link 1 (needs root)", DefaultValueFactory = _ => "vethA,vethC" };

    public Option<int> AckTimeout { get; } = new("--ack-timeout") { Description = "verbs: qp_attr.timeout, ACK timeout 4.096 us x 2^value", DefaultValueFactory = _ => VerbsDrillOptions.DefaultAckTimeoutExponent };

    public Option<int> RetryCount { get; } = new("--retry-count") { Description = "verbs: qp_attr.retry_cnt (0-6; 7 retries forever on rxe)", DefaultValueFactory = _ => VerbsDrillOptions.DefaultRetryCount };

    public Option<string> Delay { get; } = new("--delay") { Description = "verbs: MIN,MAX ms to wait, once both links are healthy, before the next link-down (seeded)", DefaultValueFactory = _ => "300,900" };

    public DrillOptionSet()
    {
        Failures.Validators.Add(r => { if (r.GetValueOrDefault<int?>() < 0) { r.AddError("--failures must not be negative."); } });
        Count.Validators.Add(r => { if (r.GetValueOrDefault<long?>() < 1) { r.AddError("--count must be at least 1."); } });
        Links.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 2 or > FabricOptions.MaxLinks)
            {
                r.AddError($"--links must be 2 to {FabricOptions.MaxLinks}: a failover needs a standby.");
            }
        });
        Size.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 8 or > SegmentedQueueGeometry.MaxSlotPayload) { r.AddError($"--size must be 8 to {SegmentedQueueGeometry.MaxSlotPayload}: the payload carries its sequence."); } });
        Kinds.Validators.Add(r => Check(r, () => DrillCommand.ParseKinds(r.GetValueOrDefault<string>()!)));
        Provider.AcceptOnlyFromAmong("shm", "verbs");
        Device.Validators.Add(r => Check(r, () => VerbsDrillOptions.ParsePair("--device", r.GetValueOrDefault<string>()!)));
        PeerDevice.Validators.Add(r => Check(r, () => VerbsDrillOptions.ParsePair("--peer-device", r.GetValueOrDefault<string>()!)));
        Interfaces.Validators.Add(r => Check(r, () => VerbsDrillOptions.ParsePair("--interfaces", r.GetValueOrDefault<string>()!)));
        AckTimeout.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 31) { r.AddError("--ack-timeout must be 1 to 31."); } });
        RetryCount.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 6) { r.AddError("--retry-count must be 0 to 6: rxe retries forever at 7, and a dead link would never be detected."); } });
        Delay.Validators.Add(r => Check(r, () => VerbsDrillOptions.ParseDelay(r.GetValueOrDefault<string>()!)));
    }

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Failures, Seed, Count, Links, Segments, Slots, Size, Kinds, Timeout, Cpus, Provider, Device, PeerDevice, Interfaces, AckTimeout, RetryCount, Delay })
        {
            command.Options.Add(option);
        }
    }

    public bool IsVerbs(ParseResult result) => result.GetValue(Provider) == "verbs";

    /// <summary>The shared-memory drill's options, or the core of the verbs drill's (links 2, kind kill, TCG timing).</summary>
    public DrillOptions Bind(ParseResult result)
    {
        bool verbs = IsVerbs(result);
        var options = new DrillOptions(
            result.GetValue(Failures) ?? (verbs ? VerbsDrillOptions.DefaultFailures : 200),
            result.GetValue(Seed) ?? Random.Shared.Next(),
            result.GetValue(Count) ?? (verbs ? VerbsDrillOptions.DefaultCount : 2_000_000),
            verbs ? 2 : result.GetValue(Links),
            result.GetValue(Segments),
            result.GetValue(Slots),
            result.GetValue(Size),
            verbs ? [FaultKind.Kill] : DrillCommand.ParseKinds(result.GetValue(Kinds)!),
            CpusOption.Parse(result.GetValue(Cpus)),
            TimeSpan.FromSeconds(result.GetValue(Timeout)));
        return verbs ? VerbsDrillOptions.WithTcgTiming(options) : options;
    }

    public VerbsDrillOptions BindVerbs(ParseResult result)
    {
        (TimeSpan min, TimeSpan max) = VerbsDrillOptions.ParseDelay(result.GetValue(Delay)!);
        return new VerbsDrillOptions(
            Bind(result),
            VerbsDrillOptions.ParsePair("--device", result.GetValue(Device)!),
            VerbsDrillOptions.ParsePair("--peer-device", result.GetValue(PeerDevice)!),
            VerbsDrillOptions.ParsePair("--interfaces", result.GetValue(Interfaces)!),
            result.GetValue(AckTimeout),
            result.GetValue(RetryCount),
            min,
            max);
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
