using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RdmaStack.Cli.Commands;
using RdmaStack.HighAvailability.Quorum;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// `rdmastack ha quorum`: starts the replicator, N processors and the clients as processes of their own, kills a
/// processor with SIGKILL mid-run if asked (and starts any processor that exits early again as its next incarnation),
/// waits for every answer, checks each agreed answer against a reference replay, and reports.
/// </summary>
internal static class QuorumRunner
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(15);

    public static int Run(QuorumRunOptions options, TextWriter console)
    {
        var ic = CultureInfo.InvariantCulture;
        long total = (long)options.Clients * options.Count;
        long killAfter = options.KillAfter ?? Math.Max(1, total / 3);
        int quorum = options.Quorum == 0 ? (options.Processors / 2) + 1 : options.Quorum;
        console.WriteLine(string.Create(ic, $"RdmaStack ha quorum: a replicator, {options.Processors} processors (quorum {quorum} of {options.Processors}) and {options.Clients} clients, each a process of its own ({options.Provider.Description})"));
        console.WriteLine(string.Create(ic, $"  orders     {options.Clients} clients x {options.Count:N0} orders, {options.InFlight} in flight each, to the order book (its reference-price calls resolved once by the replicator)"));
        console.WriteLine($"  faults     {DescribeFaults(options, killAfter)}");
        console.WriteLine(string.Create(ic, $"  timeouts   processor heartbeat {options.HeartbeatTimeout.TotalMilliseconds:0} ms, link heartbeat {options.LinkTimeout.TotalMilliseconds:0} ms, start {options.StartTimeout.TotalSeconds:0} s; idle strategy {options.Idle}"));
        console.WriteLine($"  load       {LoadAverage()} (at the start)");
        console.Flush();

        string service = string.Create(ic, $"quorum{Environment.ProcessId}");
        string directory = Directory.CreateTempSubdirectory("rdmastack-quorum-").FullName;
        var progress = new Progress();
        var watch = Stopwatch.StartNew();
        var all = new List<QuorumProcess>();
        void Relay(string label, string line)
        {
            lock (console)
            {
                console.WriteLine($"  [{label}] {line}");
            }
        }

        IEnumerable<string> Common(string role) => ["--role", role, "--name", service, "--run-dir", directory, .. HaQuorumOptionSet.ToArguments(options)];
        QuorumProcess StartProcessor(int index, long incarnation)
        {
            QuorumProcess process = QuorumProcess.Start(
                string.Create(ic, $"processor {index}.{incarnation}"),
                [.. Common("processor"), "--index", index.ToString(ic), "--incarnation", incarnation.ToString(ic)],
                Relay);
            all.Add(process);
            return process;
        }

        QuorumProcess replicator = QuorumProcess.Start("replicator", Common("replicator"), Relay, progress.Update);
        all.Add(replicator);
        var processors = new QuorumProcess[options.Processors];
        long[] incarnations = new long[options.Processors];
        long?[] exitedAt = new long?[options.Processors];
        for (int i = 0; i < processors.Length; i++)
        {
            processors[i] = StartProcessor(i, incarnations[i] = 1);
        }

        var clients = new List<QuorumProcess>();
        for (long id = 1; id <= options.Clients; id++)
        {
            QuorumProcess client = QuorumProcess.Start(string.Create(ic, $"client {id}"), [.. Common("client"), "--client-id", id.ToString(ic)], Relay);
            clients.Add(client);
            all.Add(client);
        }

        string? runError = null;
        bool killed = false;
        TimeSpan nextProgress = ProgressInterval;
        var restarts = new List<string>();
        try
        {
            while (!replicator.HasExited)
            {
                Thread.Sleep(5);
                if (options.KillProcessor is int victim && !killed && progress.Answered >= killAfter)
                {
                    processors[victim].Kill();
                    killed = true;
                    Relay("runner", string.Create(ic, $"SIGKILL to processor {victim} (incarnation {incarnations[victim]}, pid {processors[victim].Process.Id}) after {progress.Answered:N0} answers, at {watch.Elapsed.TotalSeconds:0.000} s"));
                }

                for (int i = 0; i < processors.Length && options.RestartAfter >= TimeSpan.Zero && !progress.Finishing; i++)
                {
                    if (!processors[i].HasExited)
                    {
                        continue;
                    }

                    exitedAt[i] ??= Stopwatch.GetTimestamp();
                    if (Stopwatch.GetElapsedTime(exitedAt[i]!.Value) >= options.RestartAfter)
                    {
                        exitedAt[i] = null;
                        processors[i] = StartProcessor(i, ++incarnations[i]);
                        string line = string.Create(ic, $"processor {i} started again as incarnation {incarnations[i]} after {progress.Answered:N0} answers, at {watch.Elapsed.TotalSeconds:0.000} s");
                        restarts.Add(line);
                        Relay("runner", line);
                    }
                }

                if (watch.Elapsed >= nextProgress)
                {
                    nextProgress += ProgressInterval;
                    Relay("runner", string.Create(ic, $"answers {progress.Answered,9:N0} / {total:N0}, {progress.Active} active processors, {progress.Ejections} ejections, {progress.Readmissions} readmissions"));
                }

                if (watch.Elapsed > options.Timeout + ShutdownGrace)
                {
                    runError = string.Create(ic, $"the replicator did not finish within {options.Timeout.TotalSeconds:0} s");
                    break;
                }
            }

            foreach (QuorumProcess process in all)
            {
                if (!process.WaitForExit(ShutdownGrace))
                {
                    // A processor restarted shortly before the end may still be starting (30-70 s of CPU under
                    // emulation) and cannot have heard the replicator close: within its start allowance that is no
                    // fault. Anything else that outlives the replicator is.
                    bool starting = process.Result is null && process.Label.StartsWith("processor", StringComparison.Ordinal)
                        && Stopwatch.GetElapsedTime(process.StartedAt) < options.StartTimeout + ShutdownGrace;
                    process.Kill();
                    process.WaitForExit(ShutdownGrace);
                    if (starting)
                    {
                        string line = string.Create(ic, $"{process.Label} was still starting when the run ended ({Stopwatch.GetElapsedTime(process.StartedAt).TotalSeconds:0.0} s after its start, within --start-timeout) and was stopped");
                        restarts.Add(line);
                        Relay("runner", line);
                    }
                    else
                    {
                        runError ??= $"{process.Label} did not exit and was killed";
                    }
                }
            }

            return Report(options, console, directory, replicator, all, clients, restarts, watch.Elapsed, runError);
        }
        finally
        {
            foreach (QuorumProcess process in all)
            {
                process.Kill();
                process.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static int Report(
        QuorumRunOptions options, TextWriter console, string directory, QuorumProcess replicatorProcess, List<QuorumProcess> all, List<QuorumProcess> clientProcesses,
        List<string> restarts, TimeSpan elapsed, string? runError)
    {
        var ic = CultureInfo.InvariantCulture;
        var errors = new List<string>();
        if (runError is not null)
        {
            errors.Add(runError);
        }

        ReplicatorResult? replicator = Parse(replicatorProcess, QuorumJsonContext.Default.ReplicatorResult, errors);
        List<ClientResult> clients = [.. clientProcesses.Select(c => Parse(c, QuorumJsonContext.Default.ClientResult, errors)).OfType<ClientResult>()];
        List<ProcessorResult> processors = [.. all.Where(p => p.Label.StartsWith("processor", StringComparison.Ordinal) && !p.Killed)
            .Select(p => Parse(p, QuorumJsonContext.Default.ProcessorResult, errors)).OfType<ProcessorResult>()];
        errors.AddRange(clients.Select(c => c.Error).OfType<string>());
        errors.AddRange(processors.Select(p => p.Error).OfType<string>());
        if (replicator?.Error is { } replicatorError)
        {
            errors.Add(replicatorError);
        }

        AnswerCheckResult? check = replicator is null ? null : AnswerCheck.Run(directory, options.Clients);
        long total = (long)options.Clients * options.Count;
        long answered = clients.Sum(c => c.Answered);
        long duplicated = clients.Sum(c => c.Duplicated);
        long unknown = clients.Sum(c => c.Unknown);
        long missing = total - answered;
        long wrong = check?.Wrong ?? 0;
        console.WriteLine(string.Create(ic,
            $"answers    {answered:N0} of {total:N0} orders answered: agreed {clients.Sum(c => c.Agreed):N0}, no quorum {clients.Sum(c => c.NoQuorum):N0}, rejected {clients.Sum(c => c.Rejected):N0}; duplicated {duplicated}, missing {missing}, unknown {unknown}"));
        if (check is not null)
        {
            console.WriteLine(string.Create(ic,
                $"check      {check.Checked:N0} agreed answers compared with a replay of the {check.Inputs:N0} stamped inputs ({check.Calls:N0} external-call results) through a fresh order book: wrong {check.Wrong}"));
            foreach (string line in check.FirstWrong)
            {
                console.WriteLine($"           wrong: {line}");
            }

            if (check.Gap is not null)
            {
                errors.Add(check.Gap);
            }
        }

        if (replicator is not null)
        {
            foreach (QuorumProcessorStatus p in replicator.Processors)
            {
                console.WriteLine(string.Create(ic,
                    $"processor  {p.Index}: incarnation {p.Incarnation} {p.State}; votes {p.Responses:N0}, late {p.Late:N0}, dissents {p.Dissents:N0}, ejections {p.Ejections}, admissions {p.Admissions}"));
            }

            foreach (string line in replicator.Events.Where(e => !e.Contains("connected at sequence 0", StringComparison.Ordinal) && !e.Contains("(start)", StringComparison.Ordinal)))
            {
                console.WriteLine($"event      {line}");
            }

            foreach (string line in restarts)
            {
                console.WriteLine($"event      {line}");
            }

            console.WriteLine(string.Create(ic,
                $"voting     sequenced {replicator.Sequenced:N0}; agreed {replicator.Agreed:N0}, no quorum {replicator.NoQuorum:N0}; dissents {replicator.Dissents:N0}, late responses {replicator.LateResponses:N0}"));
            console.WriteLine(string.Create(ic,
                $"ejections  {replicator.Ejections}; readmissions after a state transfer {replicator.Readmissions}; state transfers failed and retried {replicator.TransfersFailed}"));
            console.WriteLine(string.Create(ic,
                $"calls      external calls executed {replicator.CallsExecuted:N0} (once each, by the replicator), refused {replicator.CallsRefused:N0}"));
            console.WriteLine("latency (us)                               count        p50        p99      p99.9        max");
            Row(console, "  stamped -> quorum (the answer)", replicator.ToQuorum);
            Row(console, "  stamped -> fastest single processor", replicator.ToFastest);
            if (clients.Count > 0)
            {
                Row(console, "  client round trip (first client)", clients[0].RoundTrip);
            }

            double ratio = replicator.ToFastest.P50Us > 0 ? replicator.ToQuorum.P50Us / replicator.ToFastest.P50Us : 0;
            console.WriteLine(string.Create(ic,
                $"  quorum / fastest: p50 {ratio:0.00}, p99 {Ratio(replicator.ToQuorum.P99Us, replicator.ToFastest.P99Us)}, p99.9 {Ratio(replicator.ToQuorum.P999Us, replicator.ToFastest.P999Us)}"));
        }

        // Why each processor process (each incarnation not killed) stopped: the replicator's shutdown, or its own reason.
        foreach (ProcessorResult p in processors.Where(p => p.StopReason is not null))
        {
            console.WriteLine(string.Create(ic, $"stopped    processor {p.Index} incarnation {p.Incarnation}: {p.StopReason}"));
        }

        console.WriteLine(string.Create(ic, $"load       {LoadAverage()} (at the end); the run took {elapsed.TotalSeconds:0.0} s"));
        foreach (string error in errors)
        {
            console.WriteLine($"error      {error}");
        }

        bool passed = errors.Count == 0 && replicator is not null && check is not null && wrong == 0 && duplicated == 0 && missing == 0 && unknown == 0;
        console.WriteLine(string.Create(ic, $"result     {(passed ? "PASS" : "FAIL")}: wrong answers {wrong}, duplicated {duplicated}, missing {missing}"));
        return passed ? 0 : 1;
    }

    private static T? Parse<T>(QuorumProcess process, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, List<string> errors)
        where T : class
    {
        if (process.Result is null)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{process.Label} exited ({(process.HasExited ? process.Process.ExitCode : -1)}) without a result"));
            return null;
        }

        return JsonSerializer.Deserialize(process.Result, type);
    }

    private static void Row(TextWriter console, string label, LatencySummary s) =>
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-38} {s.Count,9:N0} {s.P50Us,10:0.0} {s.P99Us,10:0.0} {s.P999Us,10:0.0} {s.MaxUs,10:0.0}"));

    private static string Ratio(double a, double b) => b > 0 ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string DescribeFaults(QuorumRunOptions o, long killAfter)
    {
        var parts = new List<string>();
        if (o.KillProcessor is int kill)
        {
            parts.Add(FormattableString.Invariant($"processor {kill} killed with SIGKILL after {killAfter:N0} answers"));
        }

        if (o.CorruptProcessor is int corrupt)
        {
            parts.Add(FormattableString.Invariant($"processor {corrupt} returns wrong bytes for every {o.CorruptEvery}th sequence"));
        }

        if (o.SlowProcessor is int slow)
        {
            parts.Add(FormattableString.Invariant($"processor {slow} spends {o.SlowMicros} us more on each order"));
        }

        parts.Add(o.RestartAfter >= TimeSpan.Zero
            ? FormattableString.Invariant($"a processor that exits is started again as its next incarnation after {o.RestartAfter.TotalMilliseconds:0} ms")
            : "a processor that exits stays down");
        return string.Join("; ", parts);
    }

    private static string LoadAverage()
    {
        try
        {
            string[] fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {fields[0]} {fields[1]} {fields[2]}";
        }
        catch (IOException)
        {
            return "load average unknown";
        }
    }

    /// <summary>The replicator's progress line, parsed (written by the output reader, read by the runner).</summary>
    private sealed class Progress
    {
        private long _answered;
        private long _ejections;
        private long _readmissions;
        private long _active;

        public long Answered => Volatile.Read(ref _answered);

        public long Ejections => Volatile.Read(ref _ejections);

        public long Readmissions => Volatile.Read(ref _readmissions);

        public long Active => Volatile.Read(ref _active);

        private volatile bool _finishing;

        public bool Finishing => _finishing;

        public void Update(string line)
        {
            if (line == QuorumPeerSettings.Finishing)
            {
                _finishing = true;
                return;
            }

            string[] f = line.Split(' ');
            if (f.Length >= 6)
            {
                Volatile.Write(ref _answered, long.Parse(f[0], CultureInfo.InvariantCulture));
                Volatile.Write(ref _ejections, long.Parse(f[3], CultureInfo.InvariantCulture));
                Volatile.Write(ref _readmissions, long.Parse(f[4], CultureInfo.InvariantCulture));
                Volatile.Write(ref _active, long.Parse(f[5], CultureInfo.InvariantCulture));
            }
        }
    }
}
