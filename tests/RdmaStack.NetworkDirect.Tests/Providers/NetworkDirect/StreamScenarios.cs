using RdmaStack.Failover;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Queues;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

/// <summary>
/// The two streams the NetworkDirect tests run, over the loopback double and over a real provider alike: a segmented
/// queue with a writer thread and a reader thread, and a failover group with a fault struck mid-stream. Neither
/// looks at the clock except to give up after a minute without progress; what they report is counted.
/// </summary>
internal static class StreamScenarios
{
    public const int Count = 100_000;
    private static readonly TimeSpan s_noProgress = TimeSpan.FromSeconds(60);

    /// <summary>Timing of the failover group: detection is the provider's (an error result, a failed post, the
    /// disconnect notification); the heartbeat and lost-write bounds are far above any scheduling stall of a shared
    /// machine, so that they cannot fail a healthy link.</summary>
    public static FailoverOptions FailoverOptions { get; } = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(1),
        HeartbeatTimeout = TimeSpan.FromSeconds(60),
        LostWriteTimeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Streams <paramref name="count"/> messages from a writer thread to the reader on this thread.</summary>
    public static StreamCheck Stream(SegmentedQueueWriter writer, SegmentedQueueReader reader, int count = Count)
    {
        var check = new StreamCheck();
        Exception? writerFailed = null;
        var writing = new Thread(() => writerFailed = Record.Exception(() => Offer(writer.Offer, count, sequence => { }, () => true, null)));
        writing.Start();
        Read(check, count, () => reader.Poll(ref check), null, () => Volatile.Read(ref writerFailed) is not null);
        writing.Join();
        Assert.Null(writerFailed);
        return check;
    }

    /// <summary>Streams <paramref name="count"/> messages over a failover group; after half of them,
    /// <paramref name="writerFault"/> runs on the writer's thread (before the next offer) or
    /// <paramref name="readerFault"/> on the reader's (after the delivery that reaches half).</summary>
    public static StreamCheck Failover(FailoverWriter writer, FailoverReader reader, Action? writerFault, Action? readerFault, int count = Count)
    {
        var check = new StreamCheck();
        bool done = false;
        Exception? writerFailed = null;
        long faultAt = count / 2;
        void StrikeOnWriter(long sequence)
        {
            if (sequence == faultAt + 1)
            {
                writerFault?.Invoke();
            }
        }

        var writing = new Thread(() => writerFailed = Record.Exception(() =>
            Offer(writer.Offer, count, StrikeOnWriter, () => Volatile.Read(ref done), () => writer.Maintain())));
        writing.Start();
        bool struck = false;
        Read(
            check,
            count,
            () =>
            {
                int n = reader.Poll(ref check, limit: 64);
                if (!struck && check.Delivered >= faultAt)
                {
                    struck = true;
                    readerFault?.Invoke();
                }

                return n;
            },
            () => reader.Maintain(),
            () => Volatile.Read(ref writerFailed) is not null);
        Volatile.Write(ref done, true);
        writing.Join();
        Assert.Null(writerFailed);
        return check;
    }

    /// <summary>The reader's loop, until everything arrived, nothing arrived for a minute, or the writer failed.</summary>
    private static void Read(StreamCheck check, int count, Func<int> poll, Action? idle, Func<bool> writerFailed)
    {
        long lastProgress = Environment.TickCount64;
        while (check.Delivered < count && Environment.TickCount64 - lastProgress < s_noProgress.TotalMilliseconds && !writerFailed())
        {
            if (poll() > 0)
            {
                lastProgress = Environment.TickCount64;
            }
            else
            {
                idle?.Invoke();
                Thread.Yield();
            }
        }
    }

    /// <summary>The writer's loop: offers 1..<paramref name="count"/> in order (retrying back-pressure and a running
    /// failover), then keeps <paramref name="maintain"/>ing until <paramref name="done"/>.</summary>
    private static void Offer(OfferMessage offer, int count, Action<long> beforeOffer, Func<bool> done, Action? maintain)
    {
        Span<byte> message = stackalloc byte[StreamCheck.MaxLength];
        long lastProgress = Environment.TickCount64;
        for (long sequence = 1; sequence <= count;)
        {
            beforeOffer(sequence);
            Span<byte> payload = message[..StreamCheck.Length(sequence)];
            StreamCheck.Fill(payload, sequence);
            long status = offer(payload);
            if (status > 0)
            {
                Assert.Equal(sequence, status);
                if (++sequence % 64 == 0)
                {
                    maintain?.Invoke();
                }

                lastProgress = Environment.TickCount64;
                continue;
            }

            Assert.True(status is QueueStatus.BackPressured or QueueStatus.FailingOver, $"Offer returned {status} at {sequence}");
            Assert.True(Environment.TickCount64 - lastProgress < s_noProgress.TotalMilliseconds, $"no progress for {s_noProgress.TotalSeconds} s at {sequence}");
            maintain?.Invoke();
            Thread.Yield();
        }

        while (!done())
        {
            maintain?.Invoke();
            Thread.Yield();
        }
    }

    private delegate long OfferMessage(ReadOnlySpan<byte> message);
}
