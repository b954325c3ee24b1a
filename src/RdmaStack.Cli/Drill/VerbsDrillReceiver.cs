using System.Diagnostics;
using System.Globalization;
using RdmaStack.Cli.Demo;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// The receiving side of the two-process drill, a user of the library's public API: a subscription over a fabric of two
/// links. The library accepts every (re-)connection of a link and puts it in place on the hot thread; the drill reads
/// the plan (the data stream's first message: how many messages follow), checks every message with the demo's
/// <see cref="StreamChecker"/> and records when the stream switched links. Across two hosts it then sends its verdict
/// (<see cref="DrillVerdict"/>) back to the client on a stream of its own, since the client has no other way to learn
/// it.
/// </summary>
internal sealed class VerbsDrillReceiver(VerbsDrillOptions options, string name)
{
    private readonly List<long> _switchAt = [];
    private readonly List<long> _switchEpochs = [];
    private long _reestablished;

    public VerbsDrillReceiverResult Run()
    {
        var clock = Stopwatch.StartNew();
        long expected = 0;
        StreamChecker checker = default;
        Subscription? reader = null;
        string? error = null;
        try
        {
            HotThread.Pin("receiver", options.Drill.Cpus);
            using var fabric = Fabric.Connect(options.FabricOptions(options.ReceiverDevices));
            reader = fabric.AddSubscription(name);
            using Publication? verdicts = options.TwoHost is null ? null : fabric.AddPublication(name + VerbsDrillSender.VerdictSuffix);
            reader.SwitchedLink += (_, e) =>
            {
                _switchAt.Add(e.At);
                _switchEpochs.Add(e.Epoch);
            };
            reader.LinkConnected += (_, e) => _reestablished += e.Generation > 1 ? 1 : 0;
            expected = ReadPlan(reader, verdicts);
            checker = new StreamChecker(options.Drill.Size, expected);
            error = Read(reader, verdicts, expected, ref checker);
            if (verdicts is not null)
            {
                error ??= SendVerdict(reader, verdicts, Result(expected, checker, reader, null, 0));
            }

            Linger(reader, verdicts);
            reader.Dispose();
        }
        catch (Exception e) when (e is TransportException or InvalidOperationException or IOException or ArgumentException or TimeoutException)
        {
            error ??= e.Message;
        }

        return Result(expected, checker, reader, error, clock.Elapsed.TotalSeconds);
    }

    private VerbsDrillReceiverResult Result(long expected, StreamChecker checker, Subscription? reader, string? error, double seconds) => new()
    {
        Expected = expected,
        Delivered = checker.Distinct,
        Lost = expected == 0 ? options.Drill.Count : checker.Lost,
        Duplicated = checker.Duplicated,
        OutOfOrder = checker.OutOfOrder,
        Corrupted = checker.Corrupted,
        SwitchAt = [.. _switchAt],
        SwitchEpochs = [.. _switchEpochs],
        Switches = reader?.Switches ?? 0,
        FaultsReported = reader?.FaultsReported ?? 0,
        Reestablished = _reestablished,
        Seconds = seconds,
        Error = error,
    };

    /// <summary>Waits for the sender (a two-host server as long as it takes, as perftest's does; on one host for
    /// <see cref="VerbsDrillSender.ConnectTimeout"/>), then reads the plan within the stall timeout.</summary>
    /// <returns>The number of data messages that follow.</returns>
    /// <exception cref="TimeoutException">No sender, or no plan.</exception>
    /// <exception cref="InvalidOperationException">The plan is not one number of 1 to <see cref="StreamChecker.MaxCount"/>, or differs
    /// from this side's --count (one host).</exception>
    private long ReadPlan(Subscription reader, Publication? verdicts)
    {
        bool server = options.TwoHost is { IsServer: true };
        long connectDeadline = server ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(VerbsDrillSender.ConnectTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!reader.IsConnected)
        {
            if (Stopwatch.GetTimestamp() > connectDeadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"the sender did not connect within {VerbsDrillSender.ConnectTimeout.TotalSeconds:0} s"));
            }

            Idle(reader, verdicts);
        }

        var plan = new DrillNumberReader(1);
        long deadline = Stopwatch.GetTimestamp() + (long)(options.Drill.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        while (reader.Poll(ref plan, 1) == 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"connected, but the sender's plan did not come within {options.Drill.StallTimeout.TotalSeconds:0.#} s"));
            }

            Idle(reader, verdicts);
        }

        long count = plan.IsComplete ? plan.Values[0] : 0;
        if (count is < 1 or > StreamChecker.MaxCount)
        {
            throw new InvalidOperationException($"the sender's first message is not a plan of 1 to {StreamChecker.MaxCount} messages (is the other side a drill of this version?)");
        }

        if (options.TwoHost is null && count != options.Drill.Count)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the sender plans {count} messages, this side was given {options.Drill.Count}"));
        }

        return count;
    }

    /// <summary>The hot loop, to the last data message (sequence <paramref name="count"/> + 1: the plan was the first).</summary>
    /// <returns>Null, or why the stream stopped.</returns>
    private string? Read(Subscription reader, Publication? verdicts, long count, ref StreamChecker checker)
    {
        var data = new AfterPlan(checker);
        TimeSpan stall = options.Drill.StallTimeout + DrillOptions.ReceiverAllowance;
        TimeSpan gone = options.Drill.GoneTimeout + DrillOptions.ReceiverAllowance;
        long stallTicks = (long)(stall.TotalSeconds * Stopwatch.Frequency);
        long goneTicks = (long)(gone.TotalSeconds * Stopwatch.Frequency);
        long lastProgress = Stopwatch.GetTimestamp();
        long disconnectedSince = 0;
        int iteration = 0;
        string? error = null;
        while (reader.Position <= count)
        {
            int n = reader.Poll(ref data, 4096);
            if (n > 0)
            {
                lastProgress = Stopwatch.GetTimestamp();
                if (verdicts is not null && (++iteration & 63) == 0)
                {
                    verdicts.DoWork(); // this thread drives the verdict stream too: keep its heartbeats going
                }

                continue;
            }

            reader.DoWork();
            verdicts?.DoWork();
            long now = Stopwatch.GetTimestamp();
            disconnectedSince = reader.IsConnected ? 0 : disconnectedSince == 0 ? now : disconnectedSince;
            if (disconnectedSince != 0 && now - disconnectedSince > goneTicks)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"the sender is gone: no link connected for {gone.TotalSeconds:0.#} s, at message {reader.Position - 1} of {count}");
                break;
            }

            if (now - lastProgress > stallTicks)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"reader stuck at message {reader.Position - 1} of {count} for {stall.TotalSeconds:0.#} s");
                break;
            }

            Thread.Yield();
        }

        checker = data.Checker;
        return error;
    }

    /// <summary>Sends the verdict, one figure a message, and waits until the client has acknowledged it.</summary>
    /// <returns>Null, or why the verdict did not reach the client.</returns>
    private string? SendVerdict(Subscription reader, Publication verdicts, VerbsDrillReceiverResult result)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(options.Drill.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        long[] figures = DrillVerdict.Of(result).ToFigures();
        int next = 0;
        while (next < figures.Length || verdicts.AcknowledgedPosition < figures.Length)
        {
            if (next < figures.Length)
            {
                long status = DrillNumbers.Offer(verdicts, figures[next]);
                if (status > 0)
                {
                    next++;
                    continue;
                }

                if (!QueueStatus.IsRetryable(status))
                {
                    return $"the verdict could not be sent: {QueueStatus.Describe(status)}";
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the client did not take the verdict within {options.Drill.StallTimeout.TotalSeconds:0.#} s ({next} of {figures.Length} figures sent, {verdicts.AcknowledgedPosition} acknowledged)");
            }

            Idle(reader, verdicts);
        }

        return null;
    }

    /// <summary>After the last message: keeps the housekeeping going (the idle head tells the writer everything arrived)
    /// until the sender has closed (its heartbeats stopped on every link), for at most 10 s.</summary>
    private static void Linger(Subscription reader, Publication? verdicts)
    {
        long lingerEnd = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < lingerEnd && reader.IsConnected)
        {
            reader.DoWork();
            verdicts?.DoWork();
            Thread.Sleep(1);
        }
    }

    private static void Idle(Subscription reader, Publication? verdicts)
    {
        if (reader.DoWork() + (verdicts?.DoWork() ?? 0) == 0)
        {
            Thread.Sleep(1);
        }
    }

    /// <summary>The data messages as the checker numbers them: the stream's sequence k carries message k - 1.</summary>
    private struct AfterPlan(StreamChecker checker) : IMessageHandler
    {
        public StreamChecker Checker = checker;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => Checker.OnMessage(payload, sequence - 1);
    }
}
