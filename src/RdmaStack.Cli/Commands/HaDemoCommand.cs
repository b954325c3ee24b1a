using System.CommandLine;
using System.Globalization;
using RdmaStack.Cli.Ha;

namespace RdmaStack.Cli.Commands;

/// <summary>
/// `rdmastack ha demo`: the replicated order book in separate processes, its primary killed with SIGKILL mid-stream,
/// again and again; the report says what was acknowledged, lost, executed twice, what external calls were made twice,
/// whether the digests agree, how long promotion took, and the reply latency with replication beside the same service
/// alone. Exits 1 on any loss, double execution, double call or disagreement.
/// </summary>
internal static class HaDemoCommand
{
    public static Command Create()
    {
        var settings = new HaSettingsOptionSet();
        var clients = new Option<int>("--clients") { Description = "Client processes in the replicated run", DefaultValueFactory = _ => 2 };
        var latency = new Option<int>("--latency-orders") { Description = "Orders sent one at a time and timed, unreplicated and replicated", DefaultValueFactory = _ => 20_000 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed orders before those", DefaultValueFactory = _ => 2_000 };
        var kills = new Option<int>("--kills") { Description = "SIGKILLs of the primary", DefaultValueFactory = _ => 20 };
        var window = new Option<int>("--window") { Description = "Orders each client keeps in flight while streaming", DefaultValueFactory = _ => 8 };
        var rate = new Option<int>("--rate") { Description = "Orders per second each client sends while streaming", DefaultValueFactory = _ => 2_000 };
        var seed = new Option<int?>("--seed") { Description = "Seeds the order flows and the kill moments (random if not given; printed)" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds one step (a promotion, a rejoin, a drain) may take", DefaultValueFactory = _ => 30 };
        clients.Whole(1, HaLimits.MaxClients);
        latency.Whole(0, RunChecks.MaxMeasured, "one sample each");
        warmup.Whole(0, RunChecks.MaxMeasured);
        kills.Whole(1, HaLimits.MaxKills);
        window.Whole(1, HaLimits.MaxWindow);
        rate.Whole(1, HaLimits.MaxRate, "orders per second");
        seed.Whole(int.MinValue, int.MaxValue);
        timeout.Number(0.001, RunChecks.MaxTimeoutSeconds, "seconds");
        var command = new Command(
            "demo",
            "Replicated order matching in separate processes: kill the primary with SIGKILL mid-stream, again and again, and audit every order");
        settings.AddTo(command);
        foreach (Option option in new Option[] { clients, latency, warmup, kills, window, rate, seed, timeout })
        {
            command.Options.Add(option);
        }

        command.SetAction(result => CommandRunner.Run(() => Run(
            new HaDemoOptions(
                settings.Bind(result),
                result.GetValue(clients),
                result.GetValue(latency),
                result.GetValue(warmup),
                result.GetValue(kills),
                result.GetValue(window),
                result.GetValue(rate),
                result.GetValue(seed) ?? Random.Shared.Next(1, int.MaxValue),
                TimeSpan.FromSeconds(result.GetValue(timeout))),
            Console.Out)));
        return command;
    }

    public static int Run(HaDemoOptions o, TextWriter console)
    {
        var ic = CultureInfo.InvariantCulture;
        HaSettings s = o.Settings;
        string provider = s.IsVerbs
            ? $"verbs provider: server 0 on {s.Provider.Device}, server 1 on {s.Provider.ReceiverDevice}, each client reaching a server through the other device"
            : s.Provider.Description;
        console.WriteLine($"RdmaStack HA demo: order matching, primary/backup in separate processes ({provider})");
        console.WriteLine(string.Create(ic, $"  processes  2 servers + {o.Clients} client(s) + this one; {Environment.ProcessorCount} CPUs, load average {LoadAverage()} at start"));
        console.WriteLine(string.Create(ic, $"  bounds     primary heartbeat every {s.HeartbeatInterval.TotalMilliseconds:0.###} ms, promotion after {s.PromotionTimeout.TotalMilliseconds:0.###} ms without a word from the primary, backup dropped after {s.BackupTimeout.TotalMilliseconds:0.###} ms; link heartbeat every {s.LinkHeartbeatInterval.TotalMilliseconds:0.###} ms, timeout {s.LinkTimeout.TotalMilliseconds:0.###} ms"));
        console.WriteLine($"  idle       {s.IdleDescription}");
        console.WriteLine(s.RepeatableCalls
            ? "  calls      the reference-price lookups are declared repeatable (reads): called without replicating the intent first"
            : "  calls      each reference-price lookup's intent is replicated and acknowledged before the call (each key reaches the ledger once)");
        console.WriteLine(string.Create(ic, $"  seed       {o.Seed}"));
        console.Flush();
        (HaRunOutcome unreplicated, HaRunOutcome replicated) = HaDemoRunner.Run(o, console);
        Report(o, unreplicated, replicated, console);
        bool passed = unreplicated.Passed && replicated.Passed;
        console.WriteLine(string.Create(ic, $"  load average {LoadAverage()} at the end"));
        console.WriteLine($"result     {(passed ? "PASS" : "FAIL")}: {Summary(replicated)}");
        return passed ? 0 : 1;
    }

    private static void Report(HaDemoOptions o, HaRunOutcome unreplicated, HaRunOutcome replicated, TextWriter console)
    {
        var ic = CultureInfo.InvariantCulture;
        HaClientResult? u = unreplicated.Latency;
        HaClientResult? r = replicated.Latency;
        if (u is not null && r is not null)
        {
            console.WriteLine(string.Create(ic, $"latency    reply latency, one order in flight, {o.LatencyOrders:N0} orders each (us):   p50       p99     p99.9       max      mean"));
            Row(console, "  unreplicated (one server alone)", u.LatencyP50Ns, u.LatencyP99Ns, u.LatencyP999Ns, u.LatencyMaxNs, u.LatencyMeanNs, 1000);
            Row(console, "  replicated (primary + backup)", r.LatencyP50Ns, r.LatencyP99Ns, r.LatencyP999Ns, r.LatencyMaxNs, r.LatencyMeanNs, 1000);
            Row(console, "  ratio replicated / unreplicated", Ratio(r.LatencyP50Ns, u.LatencyP50Ns), Ratio(r.LatencyP99Ns, u.LatencyP99Ns),
                Ratio(r.LatencyP999Ns, u.LatencyP999Ns), Ratio(r.LatencyMaxNs, u.LatencyMaxNs), Ratio(r.LatencyMeanNs, u.LatencyMeanNs), 1);
            console.WriteLine(string.Create(ic, $"           p50 ratio {Ratio(r.LatencyP50Ns, u.LatencyP50Ns):0.00} (goal: within 2x: {(Ratio(r.LatencyP50Ns, u.LatencyP50Ns) <= 2 ? "met" : "NOT met")})"));
        }

        if (replicated.Kills.Count > 0)
        {
            double[] first = [.. replicated.Kills.Select(k => k.FirstReplyMs).Order()];
            double[] promoted = [.. replicated.Kills.Select(k => k.PromotedMs).Order()];
            double[] rejoin = [.. replicated.Kills.Select(k => k.RejoinMs).Order()];
            console.WriteLine(string.Create(ic, $"kills      {replicated.Kills.Count} SIGKILLs of the primary mid-stream"));
            console.WriteLine(string.Create(ic, $"promotion  SIGKILL -> first reply from the new primary: p50 {Median(first):0.00} ms, max {first[^1]:0.00} ms over {first.Length} (goal: below 10 ms: {(Median(first) < 10 ? "met" : "NOT met")} at p50, {(first[^1] < 10 ? "met" : "NOT met")} at max)"));
            console.WriteLine(string.Create(ic, $"           SIGKILL -> promoted: p50 {Median(promoted):0.00} ms, max {promoted[^1]:0.00} ms (bound: the {o.Settings.PromotionTimeout.TotalMilliseconds:0.###} ms promotion timeout after the primary's last word, heartbeats every {o.Settings.HeartbeatInterval.TotalMilliseconds:0.###} ms)"));
            console.WriteLine(string.Create(ic, $"           restart of the killed server to joined as the backup: p50 {Median(rejoin):0} ms, max {rejoin[^1]:0} ms"));
        }

        foreach (HaRunOutcome run in new[] { unreplicated, replicated })
        {
            HaAuditResult? a = run.Audit;
            string name = run.Name.PadRight(12);
            if (run.Error is not null)
            {
                console.WriteLine($"error      {run.Name}: {run.Error}");
            }

            if (a is null)
            {
                continue;
            }

            console.WriteLine(string.Create(ic, $"orders     {name} submitted {a.Submitted:N0}, acknowledged {a.Acknowledged:N0}, lost {a.Lost}, executed twice {a.ExecutedTwice}; replayed {a.Replayed:N0} records, replies differing {a.Mismatches}"));
            if (run.Name == "replicated")
            {
                long resends = run.Clients.Sum(c => c.Resends);
                long repeats = run.Servers.Sum(x => x.RepeatsAnswered);
                console.WriteLine(string.Create(ic, $"failovers  clients resent {resends:N0} orders after failovers, switched server {run.Clients.Sum(c => c.ServerSwitches)} times; promotions without a kill {run.FalsePromotions} (a primary descheduled past the bound: it stepped down and rejoined), kills not counted because they struck a server superseded by such a swap {run.BackupsKilled}"));
                console.WriteLine(string.Create(ic, $"           the survivors answered {repeats:N0} resends from their records (counted by the two servers running at the end)"));
            }

            console.WriteLine(string.Create(ic, $"external   {name} calls {run.Ledger.Calls:N0}, executed {run.Ledger.Executed:N0}, made twice {run.Ledger.KeysCalledTwice}, looked up after a failover {run.Ledger.Lookups}, refused {run.Ledger.Refusals}, late calls on refused keys {run.Ledger.CallsOnRefusedKeys}"));
            string backup = run.BackupDigest is { } b
                ? string.Create(ic, $", backup {b:x16}{(run.BackupJoinedAtEnd ? "" : " (dropped by the primary just before the stop, asking for the state again)")}")
                : "";
            console.WriteLine(string.Create(ic, $"digests    {name} {(run.DigestsAgree ? "agree" : "DISAGREE")}: primary {run.PrimaryDigest:x16}{backup}, audit replay {a.Digest:x16}{(run.Name == "replicated" ? string.Create(ic, $"; checkpoints compared by the backups {run.CheckpointsVerified:N0}, divergences {run.Divergences}") : "")}"));
            if (a.FirstProblem is not null)
            {
                console.WriteLine($"problem    {run.Name}: {a.FirstProblem}");
            }

            foreach (HaClientResult c in run.Clients.Where(c => c.Error is not null))
            {
                console.WriteLine($"error      {run.Name} client {c.Client}: {c.Error}");
            }
        }
    }

    private static string Summary(HaRunOutcome r) => r.Audit is { } a
        ? string.Create(CultureInfo.InvariantCulture, $"lost {a.Lost}, executed twice {a.ExecutedTwice}, external calls made twice {r.Ledger.KeysCalledTwice}{(r.RepeatableCalls ? " (repeatable: allowed)" : "")}, digests {(r.DigestsAgree ? "agree" : "disagree")}, kills {r.Kills.Count}")
        : "the replicated run did not finish: " + r.Error;

    private static void Row(TextWriter console, string label, double p50, double p99, double p999, double max, double mean, double divisor) =>
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-64}{p50 / divisor,10:0.00}{p99 / divisor,10:0.00}{p999 / divisor,10:0.00}{max / divisor,10:0.00}{mean / divisor,10:0.00}"));

    private static double Ratio(double a, double b) => b > 0 ? a / b : double.NaN;

    private static double Median(double[] sorted) => sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
