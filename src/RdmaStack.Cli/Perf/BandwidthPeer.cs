using System.Diagnostics;
using System.Runtime.CompilerServices;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>
/// write-bw: the sender streams messages with zero-copy batch claim/commit (--batch at a time) as fast as the queue
/// takes them, copying each whole message into its slot; the receiver polls them and times every block of
/// <see cref="BlockMessages"/> messages, so the rate is measured where the messages land and the per-message time has a
/// distribution, not only a mean.
/// </summary>
internal static class BandwidthPeer
{
    public const int BlockMessages = 1024;

    /// <summary>The sender. Its own figures (what a two-host client reports, as perftest's client does): the rate from
    /// the first measured offer until the receiver's note that it has the last message arrives, and every block of
    /// <see cref="BlockMessages"/> offers for the peak; and how often it was refused (back-pressure).</summary>
    /// <remarks>perftest's client stops its clock at the last write's completion: the data is in the peer's memory and
    /// its acknowledgement has come back. The note is the same one-way trip after the last delivery. Waiting instead for
    /// the reader's head, as this did, waited for an idle head publication (once per heartbeat interval: 10 ms over
    /// verbs), which in a short run (suite hwlab's 1,000 messages) was as long as the stream itself. The sender starts
    /// on the receiver's first note, that it is ready: the tool compiles each method at its first call, and the paths
    /// of the end (the receiver's send, the sender's poll of the way back) are then compiled before the clock runs.</remarks>
    public static PerfSizeResult RunSender(Publication output, Subscription reverse, int size, PerfOptions options, IIdleStrategy idle)
    {
        long warmup = options.Warmup, total = warmup + options.Iterations;
        long stallTicks = LatencyPeer.StallTicks(options);
        WaitForNote(output, reverse, idle, stallTicks, $"write-bw {size} B: no note from the receiver that it is ready");
        reverse.DoWork(); // as the back-pressure path does, compiled now
        long[] blockTicks = new long[Math.Max(1, options.Iterations / BlockMessages)];
        blockTicks.AsSpan().Fill(-1); // fault the pages in now, not inside the timed loop (see LatencyPeer)
        byte[] message = LatencyPeer.Message(size); // copied whole into every slot, as UCX put_bw copies its buffer
        long backPressured = 0, streakStart = 0, streak = 0, measuredStart = 0, blockStart = 0;
        int block = 0;
        int batchSize = Math.Max(1, options.BatchFor(size));
        for (long n = 0; n < total;)
        {
            // A batch never crosses the warm-up's end nor a block's, so every mark falls between two commits.
            long boundary = n < warmup ? warmup : warmup + ((((n - warmup) / BlockMessages) + 1) * BlockMessages);
            int want = (int)Math.Min(batchSize, Math.Min(boundary, total) - n);
            long status = output.TryClaimBatch(want, size, out SlotBatch batch);
            if (status > 0)
            {
                Fill(batch, message, status);
                status = output.CommitBatch(batch);
                if (status > 0)
                {
                    n += status - batch.FirstSequence + 1;
                    if (n == warmup)
                    {
                        measuredStart = blockStart = Stopwatch.GetTimestamp();
                    }
                    else if (n > warmup && ((n - warmup) & (BlockMessages - 1)) == 0)
                    {
                        long now = Stopwatch.GetTimestamp();
                        if (block < blockTicks.Length)
                        {
                            blockTicks[block++] = now - blockStart;
                        }

                        blockStart = now;
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
                throw new TimeoutException($"write-bw {size} B: refused ({QueueStatus.Describe(status)}) for {options.StallTimeout.TotalSeconds:0.#} s at message {n}");
            }

            reverse.DoWork();
            idle.Idle(0);
        }

        // The last message counts once the receiver has it: wait for its note, keeping the stream's housekeeping going.
        WaitForNote(output, reverse, idle, stallTicks, $"write-bw {size} B: no note from the receiver that it has all {total} messages");

        return Rate(blockTicks.AsSpan(0, block), measuredStart, Stopwatch.GetTimestamp(), size, options) with { BackPressured = backPressured };
    }

    public static PerfSizeResult RunReceiver(Subscription input, Publication reverse, int size, PerfOptions options, IIdleStrategy idle)
    {
        long warmup = options.Warmup, total = warmup + options.Iterations;
        int blocks = Math.Max(1, options.Iterations / BlockMessages);
        long[] blockTicks = new long[blocks];
        blockTicks.AsSpan().Fill(-1); // fault the pages in now, not inside the timed loop (see LatencyPeer)
        var sink = new Sink();
        long stallTicks = LatencyPeer.StallTicks(options);
        LatencyPeer.Send(reverse, [], -3, idle, stallTicks); // ready: the sender starts on it (see RunSender)
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
        LatencyPeer.Send(reverse, [], -2, idle, stallTicks); // the note the sender's clock stops at
        return Rate(blockTicks.AsSpan(0, block), measuredStart, end, size, options);
    }

    /// <summary>Copies <paramref name="message"/> into every slot of the batch, stamped with its sequence.</summary>
    /// <remarks>A method of its own, not inlined: in the sender's large loop the batch and the counter lived on the stack
    /// (the batch is an out variable there) and each slot reloaded them; here they stay in registers.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fill(SlotBatch batch, ReadOnlySpan<byte> message, long first)
    {
        int count = batch.Count;
        for (int k = 0; k < count; k++)
        {
            LatencyPeer.Stamp(batch.Payload(k), message, first + k);
        }
    }

    /// <summary>Waits for one message on the way back, the stream's housekeeping going on meanwhile.</summary>
    private static void WaitForNote(Publication output, Subscription reverse, IIdleStrategy idle, long stallTicks, string failure)
    {
        var note = new Sink();
        long waitStart = Stopwatch.GetTimestamp();
        while (reverse.Poll(ref note, 1) == 0)
        {
            idle.Idle(output.DoWork());
            if (Stopwatch.GetTimestamp() - waitStart > stallTicks)
            {
                throw new TimeoutException($"{failure} within {stallTicks / Stopwatch.Frequency} s (it acknowledged {output.AcknowledgedPosition} of {output.Position})");
            }
        }
    }

    /// <summary>The figures of a stream measured from <paramref name="start"/> to <paramref name="end"/> (ticks), with the
    /// time of each block of <see cref="BlockMessages"/> for the distribution and the peak.</summary>
    private static PerfSizeResult Rate(ReadOnlySpan<long> blockTicks, long start, long end, int size, PerfOptions options)
    {
        double seconds = (double)(end - start) / Stopwatch.Frequency;
        double rate = seconds > 0 ? options.Iterations / seconds : 0;
        PerfSizeResult result = LatencyStatistics.Summarize(blockTicks, BlockMessages);
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
