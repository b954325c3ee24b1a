using System.CommandLine;
using System.Globalization;
using RdmaStack.Cli.Drill;
using RdmaStack.Cli.Perf;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack drill`: stream while injecting link failures; prove nothing is lost, repeated or reordered.</summary>
internal static class DrillCommand
{
    public static Command Create()
    {
        var failures = new Option<int>("--failures") { Description = "Faults to inject into the active link", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int?>("--seed") { Description = "Seed of the fault schedule (printed; random if omitted)" };
        var count = new Option<long>("--count") { Description = "Messages to stream", DefaultValueFactory = _ => 2_000_000 };
        var links = new Option<int>("--links") { Description = $"Links in the group (2 to {ControlBlockDescriptor.MaxLinks})", DefaultValueFactory = _ => 2 };
        var segments = new Option<int>("--segments") { Description = "Segments per queue", DefaultValueFactory = _ => 4 };
        var slots = new Option<int>("--slots") { Description = "Slots per segment", DefaultValueFactory = _ => 64 };
        var size = new Option<int>("--size") { Description = "Bytes per message (at least 8)", DefaultValueFactory = _ => 64 };
        var kinds = new Option<string>("--kinds") { Description = "Fault kinds to draw from: kill, corrupt, drop", DefaultValueFactory = _ => "kill,corrupt,drop" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds without progress before giving up", DefaultValueFactory = _ => 30 };
        Option<string?> cpus = CpusOption.Create();
        failures.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) { r.AddError("--failures must not be negative."); } });
        count.Validators.Add(r => { if (r.GetValueOrDefault<long>() < 1) { r.AddError("--count must be at least 1."); } });
        links.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 2 or > ControlBlockDescriptor.MaxLinks)
            {
                r.AddError($"--links must be 2 to {ControlBlockDescriptor.MaxLinks}: a failover needs a standby.");
            }
        });
        size.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 8 or > SegmentedQueueGeometry.MaxSlotPayload) { r.AddError($"--size must be 8 to {SegmentedQueueGeometry.MaxSlotPayload}: the payload carries its sequence."); } });
        kinds.Validators.Add(r =>
        {
            try
            {
                _ = ParseKinds(r.GetValueOrDefault<string>()!);
            }
            catch (FormatException e)
            {
                r.AddError(e.Message);
            }
        });

        var command = new Command("drill", "Stream messages over a group of links while injecting failures into the active one; report lost, duplicated and out-of-order messages, failovers, detection and switchover times.")
        {
            failures, seed, count, links, segments, slots, size, kinds, timeout, cpus,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var options = new DrillOptions(
                result.GetValue(failures),
                result.GetValue(seed) ?? Random.Shared.Next(),
                result.GetValue(count),
                result.GetValue(links),
                result.GetValue(segments),
                result.GetValue(slots),
                result.GetValue(size),
                ParseKinds(result.GetValue(kinds)!),
                CpusOption.Parse(result.GetValue(cpus)),
                TimeSpan.FromSeconds(result.GetValue(timeout)));
            return Run(options, Console.Out);
        }));
        return command;
    }

    public static int Run(DrillOptions options, TextWriter console)
    {
        var ic = CultureInfo.InvariantCulture;
        console.WriteLine(string.Create(ic, $"RdmaStack failover drill: {options.Links} links (shared-memory provider, one process, fault injectors on every link)"));
        console.WriteLine(string.Create(ic, $"  queue      {options.Geometry}"));
        console.WriteLine(string.Create(ic, $"  stream     {options.Count:N0} messages of {options.Size} B; {options.Failures:N0} faults ({string.Join(", ", options.Kinds).ToLowerInvariant()}) at random moments, seed {options.Seed}"));
        console.WriteLine(string.Create(ic, $"  timing     heartbeat every {options.Failover.HeartbeatInterval.TotalMilliseconds} ms, timeout {options.Failover.HeartbeatTimeout.TotalMilliseconds} ms; lost-write bound {options.Failover.LostWriteTimeout.TotalMilliseconds} ms"));
        DrillReport r = FailoverDrill.Run(options, console);
        console.WriteLine(string.Create(ic, $"delivered  {r.Delivered:N0} of {options.Count:N0} in {r.Seconds:0.0} s: lost {r.Lost}, duplicated {r.Duplicated}, out of order {r.OutOfOrder}, corrupted {r.Corrupted}"));
        console.WriteLine(string.Create(ic, $"faults     {r.Injected:N0} injected ({string.Join(", ", r.InjectedByKind.OrderBy(k => k.Key).Select(k => $"{k.Key.ToString().ToLowerInvariant()} {k.Value}"))})"));
        console.WriteLine(string.Create(ic, $"failovers  {r.Failovers:N0} ({r.UnexpectedFailovers} not caused by an injected fault); links restored {r.Restores:N0}; messages resent {r.MessagesResent:N0}; reader switched links {r.ReaderSwitches:N0} times, reported {r.FaultsReportedByReader:N0} faults"));
        foreach ((string reason, int n) in r.UnexpectedReasons.OrderByDescending(kv => kv.Value))
        {
            console.WriteLine(string.Create(ic, $"           unexpected x{n}: {reason}"));
        }

        console.WriteLine("times (us)                    count       p50       p99     p99.9       max");
        foreach ((FaultKind kind, PerfSizeResult d) in r.Detection.OrderBy(k => k.Key))
        {
            Row(console, $"detection, {kind.ToString().ToLowerInvariant()}", d);
        }

        Row(console, "switchover after detection", r.Switchover);
        Row(console, "fault to first message over", r.Total);
        console.WriteLine("  (detection: fault -> writer declares the link failed; switchover: detection -> first message delivered over the other link)");
        if (r.Error is not null)
        {
            console.WriteLine($"error      {r.Error}");
        }

        console.WriteLine(string.Create(ic, $"result     {(r.Passed ? "PASS" : "FAIL")}: lost {r.Lost}, duplicated {r.Duplicated}, out of order {r.OutOfOrder}; seed {options.Seed}"));
        return r.Passed ? 0 : 1;
    }

    internal static IReadOnlyList<FaultKind> ParseKinds(string text)
    {
        var kinds = new List<FaultKind>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            kinds.Add(Enum.TryParse(part, ignoreCase: true, out FaultKind kind)
                ? kind
                : throw new FormatException($"--kinds: '{part}' is not a fault kind (kill, corrupt, drop)."));
        }

        return kinds.Count > 0 ? kinds.Distinct().ToList() : throw new FormatException("--kinds: name at least one of kill, corrupt, drop.");
    }

    private static void Row(TextWriter console, string label, PerfSizeResult? d)
    {
        if (d is null)
        {
            console.WriteLine($"  {label,-28}  (none)");
            return;
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-28} {d.Iterations,6} {d.TTypicalNs / 1000,9:0.0} {d.P99Ns / 1000,9:0.0} {d.P999Ns / 1000,9:0.0} {d.TMaxNs / 1000,9:0.0}"));
    }
}
