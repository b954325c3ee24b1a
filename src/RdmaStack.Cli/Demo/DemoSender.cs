using System.Diagnostics;
using System.Globalization;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Demo;

/// <summary>The sending process: streams the messages (zero-copy claim/commit), then times round trips.</summary>
internal static class DemoSender
{
    public static SenderResult Run(IDemoTransport transport, string name, DemoOptions options, TextWriter progress)
    {
        (SegmentedQueueWriter output, SegmentedQueueReader pongs) = transport.Open("sender", name, options.Geometry, options.StallTimeout);
        using SegmentedQueueReader pongsScope = pongs;
        using SegmentedQueueWriter outputScope = output;

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
                sequence++;
                streak = 0;
                overdue = false;
                continue;
            }

            if (status != QueueStatus.BackPressured)
            {
                error = $"stream: offer {sequence} failed: {QueueStatus.Describe(status)}";
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
                error = $"stream: back-pressured for {options.StallTimeout.TotalSeconds:0.#} s at message {sequence}";
                break;
            }

            // Overdue is noted here and acted on only at the next check, after 1,024 more attempts have failed.
            if ((streak & 1023) == 0)
            {
                overdue = Stopwatch.GetTimestamp() - streakStart > stallTicks;
            }

            Spin.Pause();
        }

        double streamSeconds = (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;
        var rtts = new long[options.Pings];
        var pong = new PongChecker(options.Size);
        long ping = options.Count + 1;
        long roundTrips = 0, lostPongs = 0;
        int total = options.Warmup + options.Pings;
        long progressTicks = Stopwatch.Frequency / 5, lastReport = Stopwatch.GetTimestamp();
        progress.WriteLine("PROGRESS ping 0");
        progress.Flush();
        for (int i = 0; error is null && i < total; i++, ping++)
        {
            pong.Expect(ping);
            long t0 = Stopwatch.GetTimestamp();
            long status = output.TryClaim(options.Size, out SlotClaim claim);
            while (status == QueueStatus.BackPressured)
            {
                Spin.Pause();
                status = output.TryClaim(options.Size, out claim);
            }

            if (status < 0)
            {
                error = $"ping {i}: {QueueStatus.Describe(status)}";
                break;
            }

            DemoPayload.Fill(claim.Payload, ping);
            output.Commit(claim);
            long deadline = t0 + stallTicks;
            for (long now = t0; pongs.Poll(ref pong, 1) == 0; now = Stopwatch.GetTimestamp())
            {
                // now was read before this poll: give up only when a poll made after the deadline found nothing.
                if (now > deadline)
                {
                    lostPongs++;
                    error = $"ping {i}: no pong within {options.StallTimeout.TotalSeconds:0.#} s";
                    break;
                }

                Spin.Pause();
            }

            long t1 = Stopwatch.GetTimestamp();
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

        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PROGRESS ping {roundTrips + Math.Min(options.Warmup, total)}"));
        progress.Flush();
        Span<long> measured = rtts.AsSpan(0, (int)roundTrips);
        measured.Sort();
        return new SenderResult
        {
            Sent = options.Count,
            BackPressured = backPressured,
            StreamSeconds = streamSeconds,
            RoundTrips = roundTrips,
            PongsLost = lostPongs,
            PongsCorrupted = pong.Corrupted,
            RttMinNs = Nanoseconds(Percentile(measured, 0)),
            RttP50Ns = Nanoseconds(Percentile(measured, 50)),
            RttP99Ns = Nanoseconds(Percentile(measured, 99)),
            RttP999Ns = Nanoseconds(Percentile(measured, 99.9)),
            RttMaxNs = Nanoseconds(Percentile(measured, 100)),
            RttMeanNs = measured.Length == 0 ? 0 : Nanoseconds(Sum(measured)) / measured.Length,
            Error = error,
        };
    }

    /// <summary>The nearest-rank percentile of sorted samples.</summary>
    internal static long Percentile(ReadOnlySpan<long> sorted, double percentile)
    {
        if (sorted.IsEmpty)
        {
            return 0;
        }

        // The epsilon keeps 99.9 % of 1000 at rank 999: 99.9 / 100 * 1000 is 999.0000000000001 in doubles.
        int rank = (int)Math.Ceiling((percentile * sorted.Length / 100.0) - 1e-9);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static long Sum(ReadOnlySpan<long> values)
    {
        long sum = 0;
        foreach (long v in values)
        {
            sum += v;
        }

        return sum;
    }

    private static double Nanoseconds(long ticks) => ticks * 1e9 / Stopwatch.Frequency;

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
