using System.Diagnostics;
using System.Globalization;
using RdmaStack.Cli.Perf;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Demo;

/// <summary>The sending process: streams the messages (zero-copy claim/commit), then times round trips.</summary>
internal static class DemoSender
{
    public static SenderResult Run(PeerStreams streams, DemoOptions options, TextWriter progress)
    {
        Publication output = streams.Outbound;
        Subscription pongs = streams.Inbound;
        var failures = new LinkFailureNote(output, pongs);

        long stallTicks = (long)(options.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        long backPressured = 0, streak = 0, streakStart = 0;
        bool overdue = false;
        long start = Stopwatch.GetTimestamp();
        string? error = null;
        for (long sequence = 1; sequence <= options.Count;)
        {
            long status = output.TryClaim(options.Size, out SlotClaim claim);
            if (status > 0)
            {
                DemoPayload.Fill(claim.Payload, status);
                status = output.Commit(claim);
            }

            if (status > 0)
            {
                if ((++sequence & 4095) == 0)
                {
                    pongs.DoWork(); // the stream back is idle until the ping-pong: keep its heartbeats going
                    if (PeerShutdown.Requested)
                    {
                        error = failures.Stopped($"stream: stopped at message {sequence}");
                        break;
                    }
                }

                streak = 0;
                overdue = false;
                continue;
            }

            if (!QueueStatus.IsRetryable(status))
            {
                error = $"stream: offer {sequence} failed: {QueueStatus.Describe(status)}{failures.Note()}";
                break;
            }

            if (PeerShutdown.Requested)
            {
                error = failures.Stopped($"stream: stopped at message {sequence} ({QueueStatus.Describe(status)})");
                break;
            }

            // Back-pressure is the reader's pace; read the clock only once a streak is long.
            backPressured++;
            if (streak++ == 0)
            {
                streakStart = Stopwatch.GetTimestamp();
            }
            else if ((streak & 1023) == 0 && overdue)
            {
                error = $"stream: refused ({QueueStatus.Describe(status)}) for {options.StallTimeout.TotalSeconds:0.#} s at message {sequence}{failures.Note()}";
                break;
            }

            // Overdue is noted here and acted on only at the next check, after 1,024 more attempts have failed.
            if ((streak & 1023) == 0)
            {
                overdue = Stopwatch.GetTimestamp() - streakStart > stallTicks;
            }

            IdleStrategy.Pause();
            pongs.DoWork(); // the peer's heartbeats on the stream back, while this thread only writes
        }

        double streamSeconds = (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;
        var rtts = new long[options.Pings];
        var pong = new PongChecker(options.Size);
        long ping = options.Count + 1;
        long roundTrips = 0, lostPongs = 0, completed = 0;
        int total = options.Warmup + options.Pings;
        long progressTicks = Stopwatch.Frequency / 5, lastReport = Stopwatch.GetTimestamp();
        progress.WriteLine("PROGRESS ping 0");
        progress.Flush();
        for (int i = 0; error is null && i < total; i++, ping++)
        {
            pong.Expect(ping);
            long t0 = Stopwatch.GetTimestamp();
            long status;
            while (true)
            {
                status = output.TryClaim(options.Size, out SlotClaim claim);
                if (status > 0)
                {
                    DemoPayload.Fill(claim.Payload, ping);
                    status = output.Commit(claim);
                    if (status > 0)
                    {
                        break;
                    }
                }

                if (!QueueStatus.IsRetryable(status) || Stopwatch.GetTimestamp() - t0 > stallTicks || PeerShutdown.Requested)
                {
                    break;
                }

                IdleStrategy.Pause();
            }

            if (status < 0)
            {
                error = PeerShutdown.Requested ? failures.Stopped($"ping {i}: stopped") : $"ping {i}: {QueueStatus.Describe(status)}{failures.Note()}";
                break;
            }

            long deadline = t0 + stallTicks;
            long spins = 0;
            for (long now = t0; pongs.Poll(ref pong, 1) == 0; now = Stopwatch.GetTimestamp())
            {
                if ((++spins & 63) == 0)
                {
                    output.DoWork(); // the ping stream's heartbeats go on while this thread waits for the pong
                    if (PeerShutdown.Requested)
                    {
                        error = failures.Stopped($"ping {i}: stopped while waiting for its pong");
                        break;
                    }
                }

                // now was read before this poll: give up only when a poll made after the deadline found nothing.
                if (now > deadline)
                {
                    lostPongs++;
                    error = $"ping {i}: no pong within {options.StallTimeout.TotalSeconds:0.#} s{failures.Note()}";
                    break;
                }

                IdleStrategy.Pause();
            }

            long t1 = Stopwatch.GetTimestamp();
            completed += error is null ? 1 : 0;
            if (i >= options.Warmup && error is null)
            {
                rtts[roundTrips++] = t1 - t0;
            }

            if (t1 - lastReport > progressTicks)
            {
                lastReport = t1;
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PROGRESS ping {i + 1}"));
                progress.Flush();
            }
        }

        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PROGRESS ping {completed}"));
        progress.Flush();
        // The same HdrHistogram summary as the perf harness and the drills (no timer cost subtracted: the demo
        // says its RTTs include two clock reads). No round trip measured (--pings 0, or a stop before the first):
        // no figures, rather than figures of an empty set.
        PerfSizeResult? rtt = roundTrips > 0 ? LatencyStatistics.Summarize(rtts.AsSpan(0, (int)roundTrips), 1) : null;
        return new SenderResult
        {
            Sent = options.Count,
            BackPressured = backPressured,
            StreamSeconds = streamSeconds,
            RoundTrips = roundTrips,
            PongsLost = lostPongs,
            PongsCorrupted = pong.Corrupted,
            RttMinNs = rtt?.TMinNs,
            RttP50Ns = rtt?.TTypicalNs,
            RttP99Ns = rtt?.P99Ns,
            RttP999Ns = rtt?.P999Ns,
            RttMaxNs = rtt?.TMaxNs,
            RttMeanNs = rtt?.TAvgNs,
            Acknowledged = Math.Min(output.AcknowledgedPosition, options.Count),
            LinkFailure = failures.Last,
            Error = error,
        };
    }

    /// <summary>Checks that the pong is the ping just sent, byte for byte.</summary>
    private struct PongChecker(int size) : IMessageHandler
    {
        private long _expected;

        public long Corrupted { get; private set; }

        public void Expect(long ping) => _expected = ping;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            if (!DemoPayload.Verify(payload, _expected, size))
            {
                Corrupted++;
            }
        }
    }
}
