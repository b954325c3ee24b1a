using System.Diagnostics;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>
/// write-bw: the sender streams messages with zero-copy claim/commit as fast as the queue takes them;
/// the receiver polls them and times every block of <see cref="BlockMessages"/> messages, so the rate
/// is measured where the messages land and the per-message time has a distribution, not only a mean.
/// </summary>
internal static class BandwidthPeer
{
    public const int BlockMessages = 1024;

    /// <summary>The sender; returns how often it was back-pressured.</summary>
    public static long RunSender(Publication output, Subscription reverse, int size, PerfOptions options, IIdleStrategy idle)
    {
        long total = (long)options.Warmup + options.Iterations;
        long stallTicks = LatencyPeer.StallTicks(options);
        long backPressured = 0, streakStart = 0, streak = 0;
        for (long n = 0; n < total;)
        {
            long status = output.TryClaim(size, out SlotClaim claim);
            if (status > 0)
            {
                if (size >= sizeof(long))
                {
                    BitConverter.TryWriteBytes(claim.Payload, status);
                }

                status = output.Commit(claim);
                if (status > 0)
                {
                    if ((++n & (BlockMessages - 1)) == 0)
                    {
                        reverse.DoWork(); // the stream back is idle: keep its heartbeats going
                    }

                    streak = 0;
                    continue;
                }

                if (!QueueStatus.IsRetryable(status))
                {
                    throw new InvalidOperationException($"write-bw {size} B: commit {n} failed: {QueueStatus.Describe(status)}");
                }
            }

            if (!QueueStatus.IsRetryable(status))
            {
                throw new InvalidOperationException($"write-bw {size} B: claim {n} failed: {QueueStatus.Describe(status)}");
            }

            backPressured++;
            if (streak++ == 0)
            {
                streakStart = Stopwatch.GetTimestamp();
            }
            else if ((streak & 1023) == 0 && Stopwatch.GetTimestamp() - streakStart > stallTicks)
            {
                throw new TimeoutException($"write-bw {size} B: back-pressured for {options.StallTimeout.TotalSeconds:0.#} s at message {n}");
            }

            reverse.DoWork();
            idle.Idle(0);
        }

        return backPressured;
    }

    /// <summary>The receiver; returns the rate and the per-message time of each measured block.</summary>
    public static PerfSizeResult RunReceiver(Subscription input, Publication reverse, int size, PerfOptions options, IIdleStrategy idle)
    {
        long warmup = options.Warmup, total = warmup + options.Iterations;
        int blocks = Math.Max(1, options.Iterations / BlockMessages);
        long[] blockTicks = new long[blocks];
        blockTicks.AsSpan().Fill(-1); // fault the pages in now, not inside the timed loop (see LatencyPeer)
        var sink = new Sink();
        long stallTicks = LatencyPeer.StallTicks(options);
        long received = 0, measuredStart = 0, blockStart = 0, lastProgress = Stopwatch.GetTimestamp(), end = 0;
        int block = 0;
        long nextMark = warmup; // the first mark starts the clock, then one every BlockMessages
        if (warmup == 0)
        {
            measuredStart = blockStart = lastProgress;
            nextMark = BlockMessages;
        }

        while (received < total)
        {
            // Never past the next mark nor past the stream: the peer's end-of-size message follows it.
            int limit = (int)Math.Min(4096, Math.Min(nextMark, total) - received);
            int n = input.Poll(ref sink, limit);
            if (n == 0)
            {
                reverse.DoWork(); // the stream back is idle: keep its heartbeats going
                idle.Idle(0);
                if ((++sink.Spins & 0xFFFF) == 0 && Stopwatch.GetTimestamp() - lastProgress > stallTicks)
                {
                    throw new TimeoutException($"write-bw {size} B: stream stalled after {received} messages");
                }

                continue;
            }

            received += n;
            if (received == nextMark)
            {
                long now = Stopwatch.GetTimestamp();
                lastProgress = now;
                if (measuredStart == 0)
                {
                    measuredStart = blockStart = now;
                }
                else if (block < blocks)
                {
                    blockTicks[block++] = now - blockStart;
                    blockStart = now;
                }

                nextMark += BlockMessages;
                reverse.DoWork();
            }
        }

        end = Stopwatch.GetTimestamp();
        double seconds = (double)(end - measuredStart) / Stopwatch.Frequency;
        double rate = seconds > 0 ? options.Iterations / seconds : 0;
        PerfSizeResult result = LatencyStatistics.Summarize(blockTicks.AsSpan(0, block), 0, BlockMessages);
        return result with
        {
            Size = size,
            Iterations = options.Iterations,
            TAvgNs = rate > 0 ? 1e9 / rate : 0,
            MessagesPerSecond = rate,
            MegabytesPerSecond = rate * size / 1e6,
            BlockMessages = BlockMessages,
        };
    }

    private struct Sink : IMessageHandler
    {
        public long Bytes;
        public long Spins;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => Bytes += payload.Length;
    }
}
