using System.Diagnostics;
using System.Globalization;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Demo;

/// <summary>The receiving process: reads the stream and checks it, then echoes every ping.</summary>
internal static class DemoReceiver
{
    public static ReceiverResult Run(PeerStreams streams, DemoOptions options, TextWriter progress)
    {
        Publication echo = streams.Outbound;
        Subscription input = streams.Inbound;
        var failures = new LinkFailureNote(echo, input);

        var checker = new StreamChecker(options.Size, options.Count);
        long stallTicks = (long)(options.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        long progressTicks = Stopwatch.Frequency / 5;
        long first = 0, last = 0;
        long lastProgress = Stopwatch.GetTimestamp(), lastReport = lastProgress;
        string? error = null;
        long polls = 0;
        progress.WriteLine("PROGRESS stream 0");
        progress.Flush();
        while (checker.Last < options.Count)
        {
            // The clock is read before polling: a stall is declared only when a poll made after the bound had
            // passed found nothing (a process paused past the bound must not give up on a message already there).
            long now = Stopwatch.GetTimestamp();
            int n = input.Poll(ref checker, (int)Math.Min(4096, options.Count - checker.Last));
            if ((++polls & 63) == 0)
            {
                echo.DoWork(); // the stream back is idle until the ping-pong: keep its heartbeats going
                if (PeerShutdown.Requested)
                {
                    error = failures.Stopped($"stream: stopped after message {checker.Last}");
                    break;
                }
            }

            if (n > 0)
            {
                if (first == 0)
                {
                    first = now;
                }

                last = now;
                lastProgress = now;
                if (now - lastReport > progressTicks)
                {
                    lastReport = now;
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PROGRESS stream {checker.Received}"));
                    progress.Flush();
                }
            }
            else if (now - lastProgress > stallTicks)
            {
                error = $"stream stalled: nothing new for {options.StallTimeout.TotalSeconds:0.#} s after message {checker.Last}{failures.Note()}";
                break;
            }
            else
            {
                IdleStrategy.Pause();
            }
        }

        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PROGRESS stream {checker.Received}"));
        progress.Flush();
        ReaderCounters afterStream = input.Counters;
        var echoer = new Echoer(echo, options.Size, options.Count);
        long pings = options.Pings + (long)options.Warmup;
        lastProgress = Stopwatch.GetTimestamp();
        while (error is null && echoer.Echoed < pings)
        {
            long now = Stopwatch.GetTimestamp();
            if (input.Poll(ref echoer, 1) > 0)
            {
                lastProgress = now;
                error = echoer.Error;
            }
            else if (now - lastProgress > stallTicks)
            {
                error = $"ping-pong stalled after {echoer.Echoed} pings{failures.Note()}";
            }
            else
            {
                if ((++polls & 63) == 0)
                {
                    echo.DoWork(); // the echo stream's heartbeats go on while this thread waits for a ping
                    if (PeerShutdown.Requested)
                    {
                        error = failures.Stopped($"ping-pong: stopped after {echoer.Echoed} pings");
                    }
                }

                IdleStrategy.Pause();
            }
        }

        ReaderCounters counters = input.Counters;
        return new ReceiverResult
        {
            Received = checker.Received,
            Lost = checker.Lost,
            Duplicated = checker.Duplicated,
            OutOfOrder = checker.OutOfOrder,
            Corrupted = checker.Corrupted,
            CorruptSlots = counters.CorruptSlots,
            SequenceErrors = counters.SequenceErrors,
            TornReads = afterStream.TornReads,
            HeadPublications = counters.HeadPublications,
            StreamSeconds = (double)(last - first) / Stopwatch.Frequency,
            PingsEchoed = echoer.Echoed,
            PingsCorrupted = echoer.Corrupted,
            LinkFailure = failures.Last,
            Error = error,
        };
    }

    /// <summary>Checks each ping and writes the same bytes back.</summary>
    private struct Echoer(Publication echo, int size, long streamCount) : IMessageHandler
    {
        /// <summary>Offers with the clock read first, so a give-up follows an attempt made after the bound.</summary>
        private static long OfferTimed(Publication writer, ReadOnlySpan<byte> payload, out long now)
        {
            now = Stopwatch.GetTimestamp();
            return writer.Offer(payload);
        }

        public long Echoed { get; private set; }

        public long Corrupted { get; private set; }

        public string? Error { get; private set; }

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            if (sequence != streamCount + Echoed + 1 || !DemoPayload.Verify(payload, sequence, size))
            {
                Corrupted++;
            }

            long stall = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
            long status;
            long now;
            while ((status = OfferTimed(echo, payload, out now)) < 0)
            {
                if (!QueueStatus.IsRetryable(status) || now > stall)
                {
                    Error = $"echo failed: {QueueStatus.Describe(status)}";
                    return;
                }

                IdleStrategy.Pause();
            }

            Echoed++;
        }
    }
}
