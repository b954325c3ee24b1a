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
        var set = new DrillOptionSet();
        var command = new Command("drill", "Stream messages over a group of links while injecting failures into the active one; report lost, duplicated and out-of-order messages, failovers, detection and switchover times. --provider verbs: two processes over two RDMA NIC pairs, real link-downs (the Soft-RoCE lab). Two hosts, perftest's way: `drill -d DEV0,DEV1 -p PORT` waits and receives; `drill -d DEV0,DEV1 -p PORT --link-down CMD --link-up CMD SERVER` sends and takes the links down.");
        set.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
            set.TwoHost.IsTwoHost(result) ? RunTwoHost(set.BindVerbs(result), Console.Out)
            : set.IsVerbs(result) ? RunVerbs(set.BindVerbs(result), Console.Out)
            : Run(set.Bind(result), Console.Out)));
        return command;
    }

    /// <summary>One side of the drill across two hosts: the server receives and checks, then sends its verdict back;
    /// the client sends, takes the links down, and reports its own figures with the receiver's verdict.</summary>
    /// <param name="o">The options, with <see cref="VerbsDrillOptions.TwoHost"/>.</param>
    /// <param name="console">Where the report goes.</param>
    /// <returns>The exit status: 0 only if the drill passed.</returns>
    public static int RunTwoHost(VerbsDrillOptions o, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(console);
        TwoHost twoHost = o.TwoHost ?? throw new ArgumentException("not a two-host drill", nameof(o));
        var ic = CultureInfo.InvariantCulture;
        DrillOptions d = o.Drill;
        string provider = o.Provider == ProviderKind.Verbs
            ? string.Create(ic, $"verbs, {o.SenderDevices[0]} (link 0), {o.SenderDevices[1]} (link 1), port {twoHost.IbPort}{(twoHost.GidIndex is int g ? $", GID index {g}" : "")}")
            : "shared memory (both sides on this host)";
        console.WriteLine(string.Create(ic, $"RdmaStack failover drill across two hosts: {twoHost.Describe()} (link 1 on port {twoHost.TcpPort + 1}); {provider}"));
        console.WriteLine(string.Create(ic, $"  queue      {d.Geometry} (both sides must give the same --size, --segments, --slots)"));
        string name = o.TwoHostStreamName;
        if (twoHost.IsServer)
        {
            console.WriteLine("  role       receiver: checks every message the client sends, then sends its counts back to the client over the fabric");
            console.Flush();
            VerbsDrillReceiverResult r = new VerbsDrillReceiver(o, name).Run();
            return PrintReceiver(r, console);
        }

        console.WriteLine(string.Create(ic, $"  stream     {d.Count:N0} messages of {d.Size} B; {d.Failures} link-downs of the active link ({DescribeLinkDown(o)}), each {o.MinDelay.TotalMilliseconds:0}-{o.MaxDelay.TotalMilliseconds:0} ms after both links are healthy, seed {d.Seed}"));
        PrintTiming(o, console);
        console.Flush();
        VerbsDrillSenderResult s = new VerbsDrillSender(o, name, console).Run();
        (DrillReport report, IReadOnlyList<string> details) = VerbsDrill.CombineTwoHost(o, s);
        return Print(report, console, details, "; the hosts share no clock, so only detection (timed by the sender alone) is measured across hosts, not switchover", oneClock: false);
    }

    /// <summary>Prints what the receiving side of a two-host drill found, ending with the usual verdict line.</summary>
    /// <param name="r">The receiver's result.</param>
    /// <param name="console">Where.</param>
    /// <returns>The exit status: 0 only if every message arrived once, in order, intact, and the verdict reached the client.</returns>
    internal static int PrintReceiver(VerbsDrillReceiverResult r, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(console);
        var ic = CultureInfo.InvariantCulture;
        bool passed = r.Error is null && r.Expected > 0 && r.Delivered == r.Expected && r.Lost == 0 && r.Duplicated == 0 && r.OutOfOrder == 0 && r.Corrupted == 0;
        if (r.Expected > 0)
        {
            console.WriteLine(string.Create(ic, $"delivered  {r.Delivered:N0} of {r.Expected:N0} in {r.Seconds:0.0} s: lost {r.Lost}, duplicated {r.Duplicated}, out of order {r.OutOfOrder}, corrupted {r.Corrupted}"));
        }

        console.WriteLine(string.Create(ic, $"reader     switched links {r.Switches:N0} times, reported {r.FaultsReported:N0} faults; links re-established (connections accepted after the first) {r.Reestablished:N0}"));
        console.WriteLine("           (the client takes the links down and reports their detection; it prints these counts too)");
        if (r.Error is not null)
        {
            console.WriteLine($"error      {r.Error}");
        }

        console.WriteLine(r.Expected > 0
            ? string.Create(ic, $"result     {(passed ? "PASS" : "FAIL")}: lost {r.Lost}, duplicated {r.Duplicated}, out of order {r.OutOfOrder}; receiver")
            : "result     FAIL: no stream to check (the sender's plan never came)");
        return passed ? 0 : 1;
    }

    /// <summary>What a link-down does, for the header.</summary>
    private static string DescribeLinkDown(VerbsDrillOptions o) =>
        o.Provider == ProviderKind.SharedMemory ? $"the fault injector kills the link{(o.LinkDownCommand is { } c ? $" after `{c}`" : "")}"
        : o.LinkDownCommand is { } command ? $"`{command}`, then `{o.LinkUpCommand}`"
        : $"ip link set {o.Interfaces[0]}|{o.Interfaces[1]} down";

    private static void PrintTiming(VerbsDrillOptions o, TextWriter console)
    {
        var ic = CultureInfo.InvariantCulture;
        DrillOptions d = o.Drill;
        if (o.Provider == ProviderKind.Verbs)
        {
            console.WriteLine(string.Create(ic, $"  queue pair timeout {o.AckTimeoutExponent} (ACK timeout 4.096 us x 2^{o.AckTimeoutExponent} = {o.AckTimeoutMicroseconds / 1000:0.0} ms), retry_cnt {o.RetryCount}: a silent peer gives IBV_WC_RETRY_EXC_ERR after {o.RetryCount + 1} x {o.AckTimeoutMicroseconds / 1000:0.0} = {(o.RetryCount + 1) * o.AckTimeoutMicroseconds / 1000:0} ms"));
        }

        console.WriteLine(string.Create(ic, $"  timing     heartbeat every {d.HeartbeatInterval.TotalMilliseconds} ms, timeout {d.HeartbeatTimeout.TotalMilliseconds} ms; lost-write bound {d.LostWriteTimeout.TotalMilliseconds} ms"));
    }

    /// <summary>The verbs drill: two processes, real link-downs; same figures and verdict as the shared-memory drill.</summary>
    public static int RunVerbs(VerbsDrillOptions o, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(console);
        var ic = CultureInfo.InvariantCulture;
        DrillOptions d = o.Drill;
        console.WriteLine(string.Create(ic, $"RdmaStack failover drill: 2 links over the verbs provider, two processes; sender {o.SenderDevices[0]} (link 0), {o.SenderDevices[1]} (link 1); receiver {o.ReceiverDevices[0]}, {o.ReceiverDevices[1]}"));
        console.WriteLine(string.Create(ic, $"  queue      {d.Geometry}"));
        console.WriteLine(string.Create(ic, $"  stream     {d.Count:N0} messages of {d.Size} B; {d.Failures} real link-downs of the active link ({DescribeLinkDown(o)}), each {o.MinDelay.TotalMilliseconds:0}-{o.MaxDelay.TotalMilliseconds:0} ms after both links are healthy, seed {d.Seed}"));
        PrintTiming(o, console);
        (DrillReport r, IReadOnlyList<string> details) = VerbsDrill.Run(o, console);
        return Print(r, console, details, "; both processes run on one machine, so their Stopwatch (CLOCK_MONOTONIC) timestamps are one clock");
    }

    public static int Run(DrillOptions options, TextWriter console)
    {
        var ic = CultureInfo.InvariantCulture;
        console.WriteLine(string.Create(ic, $"RdmaStack failover drill: {options.Links} links (shared-memory provider, one process, fault injectors on every link)"));
        console.WriteLine(string.Create(ic, $"  queue      {options.Geometry}"));
        console.WriteLine(string.Create(ic, $"  stream     {options.Count:N0} messages of {options.Size} B; {options.Failures:N0} faults ({string.Join(", ", options.Kinds).ToLowerInvariant()}) at random moments, seed {options.Seed}"));
        console.WriteLine(string.Create(ic, $"  timing     heartbeat every {options.HeartbeatInterval.TotalMilliseconds} ms, timeout {options.HeartbeatTimeout.TotalMilliseconds} ms; lost-write bound {options.LostWriteTimeout.TotalMilliseconds} ms"));
        DrillReport r = FailoverDrill.Run(options, console);
        return Print(r, console, [], "");
    }

    /// <summary>Prints a drill's figures (either provider) and its verdict.</summary>
    /// <param name="r">The report.</param>
    /// <param name="console">Where.</param>
    /// <param name="details">Lines printed after the failover counts (provider-specific).</param>
    /// <param name="clockNote">Appended to the note on what the times measure.</param>
    /// <param name="oneClock">False across two hosts: switchover times cannot be measured, and the rows say so.</param>
    /// <returns>The exit status: 0 only if the drill passed.</returns>
    internal static int Print(DrillReport r, TextWriter console, IReadOnlyList<string> details, string clockNote, bool oneClock = true)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(details);
        var ic = CultureInfo.InvariantCulture;
        DrillOptions options = r.Options;
        console.WriteLine(string.Create(ic, $"delivered  {r.Delivered:N0} of {options.Count:N0} in {r.Seconds:0.0} s: lost {r.Lost}, duplicated {r.Duplicated}, out of order {r.OutOfOrder}, corrupted {r.Corrupted}"));
        console.WriteLine(string.Create(ic, $"faults     {r.Injected:N0} injected ({string.Join(", ", r.InjectedByKind.OrderBy(k => k.Key).Select(k => $"{k.Key.ToString().ToLowerInvariant()} {k.Value}"))})"));
        console.WriteLine(string.Create(ic, $"failovers  {r.Failovers:N0} ({r.UnexpectedFailovers} not caused by an injected fault); links re-established by the library {r.Restores:N0}; messages resent {r.MessagesResent:N0}; reader switched links {r.ReaderSwitches:N0} times, reported {r.FaultsReportedByReader:N0} faults"));
        foreach ((string reason, int n) in r.UnexpectedReasons.OrderByDescending(kv => kv.Value))
        {
            console.WriteLine(string.Create(ic, $"           unexpected x{n}: {reason}"));
        }

        foreach (string line in details)
        {
            console.WriteLine(line);
        }

        console.WriteLine("times (us)                    count       p50       p99     p99.9       max");
        foreach ((FaultKind kind, PerfSizeResult d) in r.Detection.OrderBy(k => k.Key))
        {
            Row(console, $"detection, {kind.ToString().ToLowerInvariant()}", d);
        }

        string none = oneClock ? "(none)" : "(not measured: no common clock)";
        Row(console, "switchover after detection", r.Switchover, none);
        Row(console, "fault to first message over", r.Total, none);
        console.WriteLine($"  (detection: fault -> writer declares the link failed; switchover: detection -> first message delivered over the other link){clockNote}");
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

    private static void Row(TextWriter console, string label, PerfSizeResult? d, string none = "(none)")
    {
        if (d is null)
        {
            console.WriteLine($"  {label,-28}  {none}");
            return;
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-28} {d.Iterations,6} {d.TTypicalNs / 1000,9:0.0} {d.P99Ns / 1000,9:0.0} {d.P999Ns / 1000,9:0.0} {d.TMaxNs / 1000,9:0.0}"));
    }
}
