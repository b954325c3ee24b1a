using System.Globalization;
using System.Text.Json;
using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Cli.Perf;

/// <summary>Runs `rdmastack perf`: the two peers (the demo's plumbing), then perftest's table and the JSON file.</summary>
internal static class PerfRunner
{
    public static int Run(PerfOptions options, string command, TextWriter console)
    {
        foreach (int size in options.Sizes)
        {
            _ = options.GeometryFor(size); // validate before starting anything
        }

        var ic = CultureInfo.InvariantCulture;
        MachineInfo machine = MachineInfo.Detect(options.Cpus);
        if (options.TwoHost is { } twoHost)
        {
            return TwoHostPerf.Run(options, twoHost, console, result =>
            {
                WriteJson(options, command, machine, result.Sizes, result.TimerCostNs, result.Notes, console);
                if (result.Error is not null)
                {
                    console.WriteLine($"error    {twoHost.Side}: {result.Error}");
                    return 1;
                }

                return 0;
            });
        }

        string name = string.Create(ic, $"perf-{Environment.ProcessId}-{Environment.TickCount64 & 0xFFFFFF:x}");
        console.WriteLine($"rdmastack perf {options.TestName}: two processes, {options.Provider.Description}, {options.QueueDescription}, idle {options.Idle}");
        console.WriteLine($"  machine  {machine.Cpu}, {machine.Cores} cores, kernel {machine.Kernel}");
        console.WriteLine($"  cpus     {HotThread.Describe(options.Cpus)}");
        console.WriteLine($"  memory   {machine.HugePages}");

        // Each side gives up on its own after --timeout without progress; this bound only guards a hung process, so it
        // grows with the work (at least 1,000 messages or round trips a second per size are never cut short).
        TimeSpan limit = (options.StallTimeout * (4 + options.Sizes.Count))
            + TimeSpan.FromSeconds(30 + ((double)(options.Iterations + options.Warmup) * options.Sizes.Count / 1000));
        var errors = new List<string>();
        PeerPairOutcome run = PeerPair.Run(
            "perf-peer",
            name,
            [.. PerfOptionSet.ToArguments(options)],
            limit,
            (role, line) => console.WriteLine($"  [{role}] {line}"),
            (role, line) => { lock (errors) { errors.Add($"[{role}] {line}"); } });
        PerfPeerResult? sender = Parse(run.SenderResult);
        PerfPeerResult? receiver = Parse(run.ReceiverResult);
        foreach (string error in errors)
        {
            console.WriteLine($"  {error}");
        }

        PerfPeerResult? measuring = options.Test == PerfTest.WriteLatency ? sender : receiver;
        List<PerfSizeResult> rows = measuring?.Sizes ?? [];
        if (options.Test == PerfTest.WriteBandwidth && sender is not null)
        {
            rows = [.. rows.Select(r => r with { BackPressured = sender.Sizes.FirstOrDefault(s => s.Size == r.Size)?.BackPressured ?? 0 })];
        }

        PrintTable(options, rows, measuring?.TimerCostNs ?? 0, console);
        List<string> notes = [.. sender?.Notes ?? [], .. receiver?.Notes ?? []];
        WriteJson(options, command, machine, rows, measuring?.TimerCostNs ?? 0, notes, console);
        string[] failures = [.. new[] { run.Error, sender?.Error is null ? null : $"sender: {sender.Error}", receiver?.Error is null ? null : $"receiver: {receiver.Error}" }.OfType<string>()];
        string? failure = failures.Length == 0 ? null : string.Join("; ", failures);
        foreach (string note in notes)
        {
            console.WriteLine($"  note     {note}");
        }

        if (failure is not null || rows.Count != options.Sizes.Count)
        {
            console.WriteLine($"error    {failure ?? "a peer returned no figures"}");
            return 1;
        }

        return 0;
    }

    private static void PrintTable(PerfOptions options, List<PerfSizeResult> rows, double timerNs, TextWriter console)
    {
        var ic = CultureInfo.InvariantCulture;
        bool latency = options.Test == PerfTest.WriteLatency;
        console.WriteLine(new string('-', 118));
        console.WriteLine(latency
            ? string.Create(ic, $" one-way latency = RTT/2; one clock read per round trip ({timerNs:0.0} ns back to back), right after the send, while the message is in flight")
            : string.Create(ic, $" rate measured at the receiver; t_* = time per message over blocks of {BandwidthPeer.BlockMessages} messages"));
        console.WriteLine(string.Create(ic, $" {"#bytes",7} {"#iterations",12} {"t_min[us]",10} {"t_typical[us]",14} {"t_avg[us]",10} {"t_99%[us]",10} {"t_99.9%[us]",12} {"msg/s",14} {"MB/s",10}"));
        foreach (PerfSizeResult r in rows)
        {
            console.WriteLine(string.Create(ic, $" {r.Size,7} {r.Iterations,12} {r.TMinNs / 1000,10:0.000} {r.TTypicalNs / 1000,14:0.000} {r.TAvgNs / 1000,10:0.000} {r.P99Ns / 1000,10:0.000} {r.P999Ns / 1000,12:0.000} {r.MessagesPerSecond,14:N0} {r.MegabytesPerSecond,10:N1}"));
        }

        console.WriteLine(new string('-', 118));
    }

    /// <summary>Writes the run's JSON file (--json): machine, command, commit, every size's figures.</summary>
    private static void WriteJson(PerfOptions options, string command, MachineInfo machine, List<PerfSizeResult> rows, double timerCostNs, List<string> notes, TextWriter console)
    {
        if (options.JsonPath is null)
        {
            return;
        }

        var ic = CultureInfo.InvariantCulture;
        var report = new PerfReport
        {
            Test = options.TestName,
            Command = command,
            Commit = MachineInfo.GitCommit(),
            DateUtc = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", ic),
            Machine = machine,
            Provider = options.TwoHost is { } twoHost ? $"{options.Provider.Description}, two hosts ({twoHost.Describe()})" : options.Provider.Description,
            Cpus = options.Cpus is null ? "not pinned" : $"{options.Cpus[0]},{options.Cpus[1]}",
            Idle = options.Idle,
            Queue = $"{options.QueueDescription}, payload = message size",
            TimerCostNs = timerCostNs,
            Notes = notes,
            Results = rows,
        };
        string? folder = Path.GetDirectoryName(Path.GetFullPath(options.JsonPath));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(options.JsonPath, JsonSerializer.Serialize(report, PerfJsonContext.Default.PerfReport));
        console.WriteLine($"  result   {options.JsonPath}");
    }

    private static PerfPeerResult? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize(json, PerfJsonContext.Default.PerfPeerResult);
}
