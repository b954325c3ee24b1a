using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RdmaStack.Cli.Commands;
using RdmaStack.Transport.SharedMemory;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// Runs the demo: starts a receiving and a sending process joined by two shared-memory segmented
/// queues (one each way), relays their progress, and collects what each measured.
/// </summary>
internal static class DemoRunner
{
    public static DemoOutcome Run(DemoOptions options, TextWriter console)
    {
        _ = options.Geometry; // validate before starting anything
        string name = string.Create(CultureInfo.InvariantCulture, $"demo-{Environment.ProcessId}-{Environment.TickCount64 & 0xFFFFFF:x}");
        var progress = new ProgressPrinter(console, options);
        using Process receiver = Start("receiver", name, options, progress, out Func<string?> receiverResult);
        using Process sender = Start("sender", name, options, progress, out Func<string?> senderResult);
        try
        {
            // Each side gives up on its own after --timeout without progress; this bound only guards a hung process.
            TimeSpan limit = (options.StallTimeout * 4) + TimeSpan.FromSeconds(30);
            bool finished = sender.WaitForExit(limit) & receiver.WaitForExit(limit);
            if (!finished)
            {
                Kill(sender);
                Kill(receiver);
                return new DemoOutcome(null, null, -1, -1, $"a demo process did not finish within {limit.TotalSeconds:0} s and was stopped");
            }

            sender.WaitForExit();
            receiver.WaitForExit();
            ReceiverResult? r = Parse(receiverResult(), DemoJsonContext.Default.ReceiverResult);
            SenderResult? s = Parse(senderResult(), DemoJsonContext.Default.SenderResult);
            string? error = r is null || s is null
                ? $"a demo process exited without a result (receiver exit {receiver.ExitCode}, sender exit {sender.ExitCode})"
                : null;
            return new DemoOutcome(r, s, receiver.ExitCode, sender.ExitCode, error);
        }
        finally
        {
            foreach (string file in Directory.EnumerateFiles(SharedMemoryProvider.Directory, $"rdmastack.{name}.*"))
            {
                File.Delete(file);
            }
        }
    }

    private static Process Start(string role, string name, DemoOptions options, ProgressPrinter progress, out Func<string?> result)
    {
        ProcessStartInfo info = PeerProcess.CreateStartInfo(
            ["demo-peer", "--role", role, "--name", name, .. DemoOptionSet.ToArguments(options)]);
        var process = new Process { StartInfo = info };
        string? resultLine = null;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data.StartsWith(DemoPeerCommand.ResultPrefix, StringComparison.Ordinal))
            {
                resultLine = e.Data[DemoPeerCommand.ResultPrefix.Length..];
            }
            else
            {
                progress.OnLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                progress.Error($"[{role}] {e.Data}");
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        result = () => resultLine;
        return process;
    }

    private static T? Parse<T>(string? json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class => json is null ? null : JsonSerializer.Deserialize(json, type);

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
        }
    }

    /// <summary>Prints the peers' progress at most once a second, as plain lines (logs and terminals alike).</summary>
    private sealed class ProgressPrinter(TextWriter console, DemoOptions options)
    {
        private readonly Lock _lock = new();
        private long _lastPrinted;

        public void OnLine(string line)
        {
            string[] parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != "PROGRESS" || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out long done))
            {
                Error(line);
                return;
            }

            long total = parts[1] == "stream" ? options.Count : (long)options.Pings + options.Warmup;
            lock (_lock)
            {
                long now = Stopwatch.GetTimestamp();
                if (now - _lastPrinted < Stopwatch.Frequency)
                {
                    return;
                }

                _lastPrinted = now;
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  .. {parts[1],-6} {done,13:N0} / {total:N0} ({100.0 * done / total:0}%)"));
            }
        }

        public void Error(string line)
        {
            lock (_lock)
            {
                console.WriteLine($"  {line}");
            }
        }
    }
}
