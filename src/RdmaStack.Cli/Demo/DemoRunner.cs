using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RdmaStack.Cli.Commands;

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
        // Each side gives up on its own after --timeout without progress; this bound only guards a hung process, so it
        // grows with the work: a run that moves at least 1,000 messages a second (rxe under an emulator on a loaded
        // host, the slowest place it runs) is never cut short.
        TimeSpan limit = (options.StallTimeout * 4) + TimeSpan.FromSeconds(30 + ((options.Count + (2.0 * (options.Pings + options.Warmup))) / 1000));
        PeerPairOutcome run = PeerPair.Run("demo-peer", name, [.. DemoOptionSet.ToArguments(options)], limit, (_, line) => progress.OnLine(line), (role, line) => progress.Error($"[{role}] {line}"));
        ReceiverResult? r = Parse(run.ReceiverResult, DemoJsonContext.Default.ReceiverResult);
        SenderResult? s = Parse(run.SenderResult, DemoJsonContext.Default.SenderResult);
        return new DemoOutcome(r, s, run.ReceiverExit, run.SenderExit, run.Error) { InterruptSignal = run.InterruptSignal };
    }

    private static T? Parse<T>(string? json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class => json is null ? null : JsonSerializer.Deserialize(json, type);

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
            if (total == 0)
            {
                return;
            }

            lock (_lock)
            {
                // Every phase shows its start and its end; in between, a line every half second.
                long now = Stopwatch.GetTimestamp();
                if (done != 0 && done != total && now - _lastPrinted < Stopwatch.Frequency / 2)
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
