using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Cli.Ha;

/// <summary>
/// `rdmastack ha demo`: the replicated order book in separate processes. First the baseline: one server alone
/// (unreplicated) and a client timing orders sent one at a time. Then the replicated run: a primary and a backup, the
/// same timed orders, then every client streaming while the primary is killed with SIGKILL, again and again; after
/// each kill the demo waits for the first reply from the new primary and restarts the killed server, which rejoins as
/// the backup. At the end every client's log is audited (<see cref="HaAudit"/>).
/// </summary>
internal sealed class HaDemoRunner : IDisposable
{
    /// <summary>The highest sequence a run's ledger can hold (sparse: only the pages used take memory).</summary>
    private const long LedgerCapacity = 1L << 24;

    private readonly HaDemoOptions _options;
    private readonly TextWriter _console;
    private readonly string _folder;
    private readonly bool _ownFolder;
    private readonly Random _random;
    private readonly List<HaChild> _children = [];
    private readonly string _runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private HaDemoRunner(HaDemoOptions options, TextWriter console)
    {
        _options = options;
        _console = console;
        _random = new Random(options.Seed);
        _ownFolder = options.Folder is null;
        _folder = options.Folder ?? Directory.CreateTempSubdirectory("rdmastack-ha-demo-").FullName;
    }

    /// <summary>Runs the baseline, then the replicated run.</summary>
    public static (HaRunOutcome Unreplicated, HaRunOutcome Replicated) Run(HaDemoOptions options, TextWriter console)
    {
        using var runner = new HaDemoRunner(options, console);
        HaRunOutcome unreplicated = Guard("unreplicated", runner.RunUnreplicated);
        HaRunOutcome replicated = Guard("replicated", runner.RunReplicated);
        return (unreplicated, replicated);
    }

    public void Dispose()
    {
        foreach (HaChild child in _children)
        {
            child.Dispose();
        }

        if (_ownFolder)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // a file still held open: the temporary folder stays
            }
        }
    }

    private static HaRunOutcome Guard(string name, Func<HaRunOutcome> run)
    {
        try
        {
            return run();
        }
        catch (HaStepFailedException e)
        {
            return new HaRunOutcome { Name = name, Error = e.Message };
        }
    }

    private HaRunOutcome RunUnreplicated()
    {
        string service = "u" + _runId;
        string ledger = Path.Combine(_folder, service + ".ledger");
        Say($"unreplicated: 1 server alone, 1 client sending {_options.LatencyOrders:N0} orders one at a time (+{_options.Warmup:N0} warm-up)");
        HaChild server = StartServer(service, 1, 0, ReplicaRole.Primary, ledger);
        HaChild client = StartClient(service, 1, 1, _options.LatencyOrders, _options.Warmup);
        AwaitTimedOrders(client);
        HaClientResult latency = Finish(client);
        HaServerResult final = Stop(server);
        using var prices = new SharedReferencePriceService(ledger, LedgerCapacity);
        HaAuditResult audit = HaAudit.Run([(1, ClientLog.ReadFrom(LogPath(service, 1)))], final.LastSequence, prices);
        return new HaRunOutcome
        {
            RepeatableCalls = _options.Settings.RepeatableCalls,
            Name = "unreplicated",
            Latency = latency,
            Clients = [latency],
            Servers = [final],
            Audit = audit,
            Ledger = prices.Summarize(),
            PrimaryDigest = final.StateDigest,
        };
    }

    private HaRunOutcome RunReplicated()
    {
        string service = "r" + _runId;
        string ledger = Path.Combine(_folder, service + ".ledger");
        Say($"replicated: primary + backup, {_options.Clients} client(s); client 1 sends {_options.LatencyOrders:N0} orders one at a time (+{_options.Warmup:N0} warm-up), then all stream {_options.Rate:N0} orders/s each ({_options.Window} in flight) through {_options.Kills} SIGKILLs of the primary");
        var servers = new HaChild[2];
        var history = new List<HaChild>();
        servers[0] = StartServer(service, 2, 0, ReplicaRole.Primary, ledger);
        servers[1] = StartServer(service, 2, 1, ReplicaRole.Backup, ledger);
        history.AddRange(servers);
        WaitWhole(servers);
        var clients = new List<HaChild>();
        for (int id = 1; id <= _options.Clients; id++)
        {
            clients.Add(StartClient(service, 2, id, id == 1 ? _options.LatencyOrders : 0, id == 1 ? _options.Warmup : 0));
        }

        AwaitTimedOrders(clients[0]);
        foreach (HaChild client in clients)
        {
            client.Send("stream");
        }

        var kills = new List<(double, double, double)>();
        long backupsKilled = 0;
        for (int kill = 1; kill <= _options.Kills; kill++)
        {
            WaitWhole(servers);
            long wholeAt = Stopwatch.GetTimestamp(); // every earlier promotion happened before this
            Thread.Sleep(_options.MinKillDelay + ((_options.MaxKillDelay - _options.MinKillDelay) * _random.NextDouble()));
            int primary = WaitWhole(servers); // a false promotion may have swapped them meanwhile
            int backup = 1 - primary;
            int pid = servers[primary].Process.Id;
            long killedAt = servers[primary].Kill();
            // The first promotion of the other server since the pair was whole, by the time it happened (an event is
            // read some time after: a promotion before the kill may be read after it).
            HaEvent? promoted = servers[backup].WaitFor("promoted", 0, _options.StepTimeout, e => e.Long("at") > wholeAt);
            if ((promoted is not null && promoted.Long("at") < killedAt)
                || (promoted is null && servers[backup].Latest("promoted") is { } earlier && earlier.Long("at") < killedAt && HaPair.IsPrimary(servers[backup])))
            {
                // A false promotion swapped the roles between the check and the kill (the processes' events come
                // late on a loaded host): the kill struck a primary already superseded, or the backup. The other
                // goes on; the killed one is restarted and the round is done again.
                backupsKilled++;
                Say($"kill {kill}/{_options.Kills}: server {backup} had promoted itself just before the SIGKILL, which struck server {primary} already superseded; not counted, restarting it and trying again");
                servers[primary] = StartServer(service, 2, primary, ReplicaRole.Backup, ledger);
                history.Add(servers[primary]);
                kill--;
                continue;
            }

            Expect(promoted, servers[backup], "promote itself");
            double firstReply = FirstReplyFrom(clients, backup, killedAt);
            long restartedAt = Stopwatch.GetTimestamp();
            servers[primary] = StartServer(service, 2, primary, ReplicaRole.Backup, ledger);
            history.Add(servers[primary]);
            WaitWhole(servers);
            double rejoin = Ms(Stopwatch.GetTimestamp() - restartedAt);
            double promotedMs = Ms(promoted!.Long("at") - killedAt);
            kills.Add((firstReply, promotedMs, rejoin));
            Say($"kill {kill}/{_options.Kills}: SIGKILL server {primary} (the primary, pid {pid}); server {backup} promoted after {promotedMs:0.00} ms, first reply from it after {firstReply:0.00} ms; server {primary} restarted and joined in {rejoin:0} ms");
        }

        foreach (HaChild client in clients)
        {
            client.Send("drain");
        }

        List<HaClientResult> results = [.. clients.Select(Finish)];
        int finalPrimary = WaitWhole(servers);
        // The backup first: stopped second, it would find the primary silent and promote itself.
        HaServerResult backupResult = Stop(servers[1 - finalPrimary]);
        HaServerResult primaryResult = Stop(servers[finalPrimary]);
        using var prices = new SharedReferencePriceService(ledger, LedgerCapacity);
        HaAuditResult audit = HaAudit.Run(
            [.. results.Select(r => (r.Client, ClientLog.ReadFrom(LogPath(service, r.Client))))], primaryResult.LastSequence, prices);
        long promotions = history.Sum(s => s.All("promoted").Count);
        return new HaRunOutcome
        {
            RepeatableCalls = _options.Settings.RepeatableCalls,
            Name = "replicated",
            Latency = results[0],
            Clients = results,
            Servers = [primaryResult, backupResult],
            Audit = audit,
            Ledger = prices.Summarize(),
            Kills = kills,
            FalsePromotions = promotions - _options.Kills,
            BackupsKilled = backupsKilled,
            CheckpointsVerified = history.Sum(s => s.All("promoted").Sum(e => e.Long("checkpoints"))) + backupResult.CheckpointsVerified,
            Divergences = history.Sum(s => s.All("divergence").Count),
            PrimaryDigest = primaryResult.StateDigest,
            // A backup the primary dropped between the last look and the stop (silent past the backup bound on a
            // loaded host: it was asking for the state again) still holds the state it had: compared all the same.
            BackupDigest = backupResult.LastSequence == primaryResult.LastSequence ? backupResult.StateDigest : null,
            BackupJoinedAtEnd = backupResult.IsJoined,
            Error = backupResult.LastSequence == primaryResult.LastSequence ? null
                : $"the backup ended at sequence {backupResult.LastSequence} (joined: {backupResult.IsJoined}), the primary at {primaryResult.LastSequence}",
        };
    }

    private int WaitWhole(HaChild[] servers) => HaPair.WaitWhole(servers, _options.StepTimeout);

    /// <summary>SIGKILL to the first reply any client had from <paramref name="server"/> after it (ms): waits until every
    /// client has had one, then takes the earliest (the events come from several processes, in any order).</summary>
    private double FirstReplyFrom(List<HaChild> clients, int server, long killedAt)
    {
        long earliest = long.MaxValue;
        foreach (HaChild client in clients)
        {
            HaEvent reply = Expect(client.WaitFor("reply-from", killedAt, _options.StepTimeout, e => e.Int("server") == server && e.Long("at") > killedAt),
                client, "get a reply from the new primary");
            earliest = Math.Min(earliest, reply.Long("at"));
        }

        return Ms(earliest - killedAt);
    }

    private HaChild StartServer(string service, int servers, int server, ReplicaRole role, string ledger)
    {
        var options = new HaNodeOptions(_options.Settings, service, servers, server, role, Path.Combine(_folder, $"{service}-s{server}.journal"), ledger, LedgerCapacity, _folder);
        return Track(HaChild.Start($"server {server}", options.ToArguments(), Relay));
    }

    private HaChild StartClient(string service, int servers, long client, int latencyOrders, int warmup)
    {
        var options = new HaClientOptions(
            _options.Settings, service, servers, client, latencyOrders, warmup, _options.Window, _options.Rate, (_options.Seed * 7919) + (int)client,
            LogPath(service, client), _options.StepTimeout, _folder);
        return Track(HaChild.Start($"client {client}", options.ToArguments(), Relay));
    }

    private HaChild Track(HaChild child)
    {
        _children.Add(child);
        return child;
    }

    private string LogPath(string service, long client) => Path.Combine(_folder, $"{service}-c{client}.log");

    private HaClientResult Finish(HaChild client)
    {
        client.Send("drain");
        if (!client.WaitForExit(_options.StepTimeout * 2) || client.Result is null)
        {
            throw new HaStepFailedException($"{client.Name} did not finish (exit {(client.Process.HasExited ? client.Process.ExitCode : -1)})");
        }

        return JsonSerializer.Deserialize(client.Result, HaJsonContext.Default.HaClientResult)!;
    }

    private HaServerResult Stop(HaChild server)
    {
        server.Send("stop");
        if (!server.WaitForExit(_options.StepTimeout) || server.Result is null)
        {
            throw new HaStepFailedException($"{server.Name} did not stop with a result (exit {(server.Process.HasExited ? server.Process.ExitCode : -1)})");
        }

        return JsonSerializer.Deserialize(server.Result, HaJsonContext.Default.HaServerResult)!;
    }

    private HaEvent Expect(HaEvent? e, HaChild child, string what) =>
        e ?? throw new HaStepFailedException($"{child.Name} did not {what} within {_options.StepTimeout.TotalSeconds:0} s{(child.Process.HasExited ? $" (it exited {child.Process.ExitCode})" : "")}");

    /// <summary>
    /// Waits until <paramref name="client"/> timed its orders, for as long as it makes progress: each step (connecting
    /// to the primary, then every <see cref="HaClientHost.ProgressEvery"/> orders) may take the step timeout. Not one
    /// bound for the whole phase: a client of a starved host (five processes on the lab's two emulated CPUs, each
    /// compiling for tens of seconds as it starts) is slow, not stuck, and only a client that stopped fails the run.
    /// </summary>
    private void AwaitTimedOrders(HaChild client)
    {
        int steps = -1;
        long stepAt = Stopwatch.GetTimestamp();
        while (client.WaitFor("latency-done", 0, TimeSpan.FromSeconds(1)) is null)
        {
            int done = client.All("latency-progress").Count + (client.Find("connected", 0) is null ? 0 : 1);
            if (done != steps)
            {
                steps = done;
                stepAt = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(stepAt) > _options.StepTimeout || client.Process.HasExited)
            {
                string where = steps == 0 ? "had no primary" : string.Create(CultureInfo.InvariantCulture, $"had timed {(steps - 1) * HaClientHost.ProgressEvery} orders");
                throw new HaStepFailedException(string.Create(CultureInfo.InvariantCulture,
                    $"{client.Name} made no progress in its timed orders for {_options.StepTimeout.TotalSeconds:0} s (it {where}){(client.Process.HasExited ? $"; it exited {client.Process.ExitCode}" : "")}"));
            }
        }
    }

    private void Relay(string line)
    {
        lock (_console)
        {
            _console.WriteLine("  ! " + line);
        }
    }

    private void Say(FormattableString text)
    {
        lock (_console)
        {
            _console.WriteLine("  .. " + text.ToString(CultureInfo.InvariantCulture));
            _console.Flush();
        }
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

}
