using System.Diagnostics;
using System.Globalization;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// The receiving process of the verbs drill, a user of the library's public API: a subscription over a fabric of two
/// verbs links. The library accepts every (re-)connection of a link and puts it in place on the hot thread; the drill
/// checks every message with the demo's <see cref="StreamChecker"/> and records when the stream switched links.
/// </summary>
internal sealed class VerbsDrillReceiver(VerbsDrillOptions options, string name)
{
    private readonly List<long> _switchAt = [];
    private readonly List<long> _switchEpochs = [];
    private long _reestablished;

    public VerbsDrillReceiverResult Run()
    {
        var clock = Stopwatch.StartNew();
        var checker = new StreamChecker(options.Drill.Size, options.Drill.Count);
        Subscription? reader = null;
        string? error = null;
        try
        {
            using var fabric = Fabric.Connect(options.FabricOptions(options.ReceiverDevices));
            reader = fabric.AddSubscription(name);
            reader.SwitchedLink += (_, e) =>
            {
                _switchAt.Add(e.At);
                _switchEpochs.Add(e.Epoch);
            };
            reader.LinkConnected += (_, e) => _reestablished += e.Generation > 1 ? 1 : 0;
            error = Read(reader, ref checker);
            reader.Dispose();
        }
        catch (Exception e) when (e is TransportException or InvalidOperationException or IOException or ArgumentException)
        {
            error ??= e.Message;
        }

        return new VerbsDrillReceiverResult
        {
            Delivered = checker.Distinct,
            Lost = checker.Lost,
            Duplicated = checker.Duplicated,
            OutOfOrder = checker.OutOfOrder,
            Corrupted = checker.Corrupted,
            SwitchAt = [.. _switchAt],
            SwitchEpochs = [.. _switchEpochs],
            Switches = reader?.Switches ?? 0,
            FaultsReported = reader?.FaultsReported ?? 0,
            Reestablished = _reestablished,
            Seconds = clock.Elapsed.TotalSeconds,
            Error = error,
        };
    }

    /// <summary>The hot loop; after the last message it keeps the housekeeping going (the idle head tells the writer
    /// everything arrived) until the sender has closed (its heartbeats stopped on every link).</summary>
    private string? Read(Subscription reader, ref StreamChecker checker)
    {
        long stallTicks = (long)(options.Drill.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        long lastProgress = Stopwatch.GetTimestamp();
        while (reader.Position < options.Drill.Count)
        {
            int n = reader.Poll(ref checker, 4096);
            if (n > 0)
            {
                lastProgress = Stopwatch.GetTimestamp();
                continue;
            }

            reader.DoWork();
            if (Stopwatch.GetTimestamp() - lastProgress > stallTicks)
            {
                return string.Create(CultureInfo.InvariantCulture, $"reader stuck at message {reader.Position} for {options.Drill.StallTimeout.TotalSeconds:0.#} s");
            }

            Thread.Yield();
        }

        long lingerEnd = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < lingerEnd && reader.IsConnected)
        {
            reader.DoWork();
            Thread.Sleep(1);
        }

        return null;
    }
}
