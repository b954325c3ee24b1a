using System.CommandLine;
using System.Globalization;
using RdmaStack.Cli.Ha.Quorum;

namespace RdmaStack.Cli.Commands;

/// <summary>The options of `rdmastack ha quorum`, which its processes (replicator, processors, clients) share.</summary>
internal sealed class HaQuorumOptionSet
{
    private const int DefaultProcessors = 3;

    public Option<int> Processors { get; } = new("--processors") { Description = "N, the processors every order goes to", DefaultValueFactory = _ => DefaultProcessors };

    public Option<int> Quorum { get; } = new("--quorum") { Description = "Identical responses needed (0: a majority, N/2+1; at most N)", DefaultValueFactory = _ => 0 };

    public Option<int> Clients { get; } = new("--clients") { Description = "Client processes", DefaultValueFactory = _ => 2 };

    public Option<int> Count { get; } = new("--count") { Description = "Orders each client sends", DefaultValueFactory = _ => 5_000 };

    public Option<int> InFlight { get; } = new("--in-flight") { Description = "Orders each client keeps unanswered at most", DefaultValueFactory = _ => 8 };

    public Option<int?> KillProcessor { get; } = new("--kill-processor") { Description = "Kill this processor (0 to N-1) with SIGKILL mid-run" };

    public Option<long?> KillAfter { get; } = new("--kill-after") { Description = "... after this many answers (default: a third of the run)" };

    public Option<int> RestartAfter { get; } = new("--restart-after") { Description = "Milliseconds before a processor that exited is started again as its next incarnation (-1: never)", DefaultValueFactory = _ => 500 };

    public Option<int?> CorruptProcessor { get; } = new("--corrupt-processor") { Description = "This processor returns wrong bytes for every --corrupt-every-th sequence" };

    public Option<int> CorruptEvery { get; } = new("--corrupt-every") { Description = "See --corrupt-processor", DefaultValueFactory = _ => 50 };

    public Option<int?> SlowProcessor { get; } = new("--slow-processor") { Description = "This processor spends --slow-us more on each order" };

    public Option<int> SlowMicros { get; } = new("--slow-us") { Description = "See --slow-processor", DefaultValueFactory = _ => 200 };

    public Option<string> Provider { get; } = new("--provider") { Description = "shm (shared memory, default) or verbs (RDMA devices)", DefaultValueFactory = _ => "shm" };

    public Option<string?> Device { get; } = new("--device") { Description = "verbs: the replicator's RDMA devices, one per link (e.g. rxe0 or rxe0,rxe2)" };

    public Option<string?> PeerDevice { get; } = new("--peer-device") { Description = "verbs: the processors' and clients' devices, one per link (default: --device)" };

    public Option<int?> HeartbeatTimeout { get; } = new("--heartbeat-timeout") { Description = "Milliseconds of silence after which a processor is ejected as dead (default 1000; 3000 for verbs)" };

    public Option<int?> LinkTimeout { get; } = new("--link-timeout") { Description = "The transport's heartbeat timeout in milliseconds (default 500; 2000 for verbs)" };

    public Option<double> StartTimeout { get; } = new("--start-timeout") { Description = "Seconds the processes may take to find each other at start (the replicator waits this long for the processors' hellos, a processor and a client for the replicator)", DefaultValueFactory = _ => 60 };

    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds the whole run may take", DefaultValueFactory = _ => 300 };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the clients' orders", DefaultValueFactory = _ => 20_261_201 };

    public Option<string> Idle { get; } = new("--idle") { Description = "The hot threads' idle strategy: backoff (default: 1 + N + C processes share the cores), yield or spin", DefaultValueFactory = _ => "backoff" };

    public HaQuorumOptionSet()
    {
        Provider.AcceptOnlyFromAmong("shm", "verbs");
        Idle.AcceptOnlyFromAmong([.. Threading.IdleStrategy.Names]);
        int last = HighAvailability.Quorum.QuorumOptions.MaxProcessors - 1;
        Processors.Whole(1, HighAvailability.Quorum.QuorumOptions.MaxProcessors);
        Quorum.Whole(0, HighAvailability.Quorum.QuorumOptions.MaxProcessors, "0: a majority");
        Clients.Whole(1, HaLimits.MaxClients);
        Count.Whole(1, RunChecks.MaxMeasured);
        InFlight.Whole(1, HaLimits.MaxWindow);
        KillProcessor.Whole(0, last);
        KillAfter.Whole(1L, (long)HaLimits.MaxClients * RunChecks.MaxMeasured, "answers");
        RestartAfter.Whole(-1, (int)HaSettingsOptionSet.MaxMilliseconds, "milliseconds; -1: never");
        CorruptProcessor.Whole(0, last);
        CorruptEvery.Whole(1, int.MaxValue);
        SlowProcessor.Whole(0, last);
        SlowMicros.Whole(0, 1_000_000, "microseconds");
        HeartbeatTimeout.Whole(1, (int)HaSettingsOptionSet.MaxMilliseconds, "milliseconds");
        LinkTimeout.Whole(1, (int)HaSettingsOptionSet.MaxMilliseconds, "milliseconds");
        StartTimeout.Number(0.001, RunChecks.MaxTimeoutSeconds, "seconds");
        Timeout.Number(0.001, RunChecks.MaxTimeoutSeconds, "seconds");
        Seed.Whole(int.MinValue, int.MaxValue);
    }

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[]
        {
            Processors, Quorum, Clients, Count, InFlight, KillProcessor, KillAfter, RestartAfter, CorruptProcessor, CorruptEvery,
            SlowProcessor, SlowMicros, Provider, Device, PeerDevice, HeartbeatTimeout, LinkTimeout, StartTimeout, Timeout, Seed, Idle,
        })
        {
            command.Options.Add(option);
        }

        CommandChecks.Add(command, (r, errors) =>
        {
            int n = r.GetValue(Processors);
            foreach (Option<int?> option in new[] { KillProcessor, CorruptProcessor, SlowProcessor })
            {
                if (r.GetValue(option) is int index && index >= n)
                {
                    errors.Add($"{option.Name} {index}: the processors are 0 to {n - 1}.");
                }
            }

            int quorum = r.GetValue(Quorum);
            if (quorum != 0 && (quorum <= n / 2 || quorum > n))
            {
                errors.Add($"--quorum {quorum}: from a majority, {(n / 2) + 1}, to --processors, {n} (or 0 for the majority).");
            }

            if (r.GetValue(Provider) == "verbs" && r.GetValue(Device) is null)
            {
                errors.Add("--provider verbs needs --device (e.g. rxe0; `rdmastack devices` lists them).");
            }
        });
    }

    public QuorumRunOptions Bind(ParseResult result)
    {
        bool verbs = result.GetValue(Provider) == "verbs";
        string[] devices = Split(result.GetValue(Device));
        string[] peerDevices = result.GetValue(PeerDevice) is { } peer ? Split(peer) : devices;
        return new QuorumRunOptions
        {
            Processors = result.GetValue(Processors),
            Quorum = result.GetValue(Quorum),
            Clients = result.GetValue(Clients),
            Count = result.GetValue(Count),
            InFlight = result.GetValue(InFlight),
            KillProcessor = result.GetValue(KillProcessor),
            KillAfter = result.GetValue(KillAfter),
            RestartAfter = TimeSpan.FromMilliseconds(result.GetValue(RestartAfter)),
            CorruptProcessor = result.GetValue(CorruptProcessor),
            CorruptEvery = result.GetValue(CorruptEvery),
            SlowProcessor = result.GetValue(SlowProcessor),
            SlowMicros = result.GetValue(SlowMicros),
            Provider = verbs ? new QuorumProviderChoice("verbs", devices, peerDevices) : QuorumProviderChoice.SharedMemory,
            HeartbeatTimeout = TimeSpan.FromMilliseconds(result.GetValue(HeartbeatTimeout) ?? (verbs ? 3000 : 1000)),
            LinkTimeout = TimeSpan.FromMilliseconds(result.GetValue(LinkTimeout) ?? (verbs ? 2000 : 500)),
            StartTimeout = TimeSpan.FromSeconds(result.GetValue(StartTimeout)),
            Timeout = TimeSpan.FromSeconds(result.GetValue(Timeout)),
            Seed = result.GetValue(Seed),
            Idle = result.GetValue(Idle)!,
        };
    }

    /// <summary>The options as arguments for the run's processes.</summary>
    public static IEnumerable<string> ToArguments(QuorumRunOptions o)
    {
        var ic = CultureInfo.InvariantCulture;
        List<string> args =
        [
            "--processors", o.Processors.ToString(ic), "--quorum", o.Quorum.ToString(ic), "--clients", o.Clients.ToString(ic),
            "--count", o.Count.ToString(ic), "--in-flight", o.InFlight.ToString(ic), "--corrupt-every", o.CorruptEvery.ToString(ic),
            "--slow-us", o.SlowMicros.ToString(ic), "--provider", o.Provider.Name,
            "--heartbeat-timeout", ((int)o.HeartbeatTimeout.TotalMilliseconds).ToString(ic), "--link-timeout", ((int)o.LinkTimeout.TotalMilliseconds).ToString(ic),
            "--start-timeout", o.StartTimeout.TotalSeconds.ToString(ic), "--timeout", o.Timeout.TotalSeconds.ToString(ic), "--seed", o.Seed.ToString(ic), "--idle", o.Idle,
        ];
        if (o.CorruptProcessor is int corrupt)
        {
            args.AddRange(["--corrupt-processor", corrupt.ToString(ic)]);
        }

        if (o.SlowProcessor is int slow)
        {
            args.AddRange(["--slow-processor", slow.ToString(ic)]);
        }

        if (o.Provider.IsVerbs)
        {
            args.AddRange(["--device", string.Join(',', o.Provider.Devices), "--peer-device", string.Join(',', o.Provider.PeerDevices)]);
        }

        return args;
    }

    private static string[] Split(string? list) => list is null ? [] : list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
