using System.Diagnostics;
using System.Runtime.CompilerServices;
using RdmaStack.Cli.Demo;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>
/// write-lat: the initiator writes a message and spins until the responder's answer arrives, like
/// perftest's write_lat. Each side writes its own whole message of the size from its own buffer (the initiator's
/// first 8 bytes carry the round trip's number) and neither reads the other's payload, as UCX put_lat and
/// write_lat do: each puts its own buffer and spins on the landing one. One timestamp per round trip, read right
/// after each send, while the message is in flight: the gap between consecutive ones is one period of the
/// ping-pong, and the clock's own cost overlaps the wait instead of sitting between an answer and the next send.
/// (Read between them, a <c>clock_gettime</c> cost 40-50 ns of the round trip on the critical path where its
/// back-to-back cost is 22 ns: bench/results/README.md.)
/// </summary>
internal static class LatencyPeer
{
    /// <summary>The initiator: returns the one-way figures (RTT / 2) of this size.</summary>
    public static PerfSizeResult RunInitiator(Publication output, Subscription input, int size, PerfOptions options, IIdleStrategy idle) =>
        IsBusySpin(idle)
            ? RunInitiator(output, input, size, options, default(PauseStep), idle)
            : RunInitiator(output, input, size, options, new StrategyStep(idle), idle);

    /// <summary>The responder: answers every message with one of its own, of the same size, on its own queue.</summary>
    public static void RunResponder(Publication output, Subscription input, int size, PerfOptions options, IIdleStrategy idle)
    {
        if (IsBusySpin(idle))
        {
            RunResponder(output, input, size, options, default(PauseStep), idle);
        }
        else
        {
            RunResponder(output, input, size, options, new StrategyStep(idle), idle);
        }
    }

    /// <summary>The busy-spin strategy is one shared instance (<see cref="IdleStrategy.BusySpin"/>).</summary>
    private static bool IsBusySpin(IIdleStrategy idle) => ReferenceEquals(idle, IdleStrategy.BusySpin());

    /// <summary>The initiator's loop, generic over the spin's idle step (a struct: no interface call in the spin).</summary>
    private static PerfSizeResult RunInitiator<TSpin>(Publication output, Subscription input, int size, PerfOptions options, TSpin spin, IIdleStrategy idle)
        where TSpin : struct, IIdleStrategy
    {
        long[] rtts = new long[options.Iterations];
        // A new array's pages are mapped on first write: touched inside the loop, every 512th sample
        // (one 4 KiB page of longs) carried a page fault of 2-3 us and made p99.9 (found by the sample
        // index of the outliers). Write every page now, before the clock runs.
        rtts.AsSpan().Fill(-1);
        var pong = new CountingHandler();
        byte[] message = Message(size);
        long stallTicks = StallTicks(options);
        long previous = Stopwatch.GetTimestamp();
        for (int i = -options.Warmup; i < options.Iterations; i++)
        {
            Send(output, message, i, idle, stallTicks);

            // Round trip i - 1 ends here: its answer arrived, and this send followed it.
            long sent = Stopwatch.GetTimestamp();
            if (i > 0)
            {
                rtts[i - 1] = sent - previous;
            }

            previous = sent;
            long spins = 0;
            while (input.Poll(ref pong, 1) == 0)
            {
                spin.Idle(0);
                if ((++spins & 63) == 0)
                {
                    output.DoWork(); // the publication's heartbeats go on while this thread waits for the answer
                }

                if ((spins & 0xFFFF) == 0 && Stopwatch.GetTimestamp() - previous > stallTicks)
                {
                    throw new TimeoutException($"write-lat {size} B: no answer to round trip {i} within {options.StallTimeout.TotalSeconds:0.#} s");
                }
            }

        }

        // The last round trip has no send after it: its answer's arrival ends it.
        rtts[^1] = Stopwatch.GetTimestamp() - previous;
        PerfSizeResult result = LatencyStatistics.Summarize(rtts, 2);
        double messagesPerSecond = result.TAvgNs > 0 ? 1e9 / result.TAvgNs : 0;
        return result with
        {
            Size = size,
            MessagesPerSecond = messagesPerSecond,
            MegabytesPerSecond = messagesPerSecond * size / 1e6,
        };
    }

    /// <summary>The responder's loop, generic over the spin's idle step.</summary>
    private static void RunResponder<TSpin>(Publication output, Subscription input, int size, PerfOptions options, TSpin spin, IIdleStrategy idle)
        where TSpin : struct, IIdleStrategy
    {
        long stallTicks = StallTicks(options);
        var answer = new Answer(output, Message(size), idle, stallTicks);
        long total = (long)options.Warmup + options.Iterations;
        long last = Stopwatch.GetTimestamp(), spins = 0;
        while (answer.Answered < total)
        {
            if (input.Poll(ref answer, 1) > 0)
            {
                spins = 0;
                last = Stopwatch.GetTimestamp();
                continue;
            }

            spin.Idle(0);
            if ((++spins & 63) == 0)
            {
                output.DoWork(); // the publication's heartbeats go on while this thread waits for a ping
            }

            if ((spins & 0xFFFF) == 0 && Stopwatch.GetTimestamp() - last > stallTicks)
            {
                throw new TimeoutException($"write-lat {size} B: no message after {answer.Answered} answers within {options.StallTimeout.TotalSeconds:0.#} s");
            }
        }
    }

    internal static long StallTicks(PerfOptions options) => (long)(options.StallTimeout.TotalSeconds * Stopwatch.Frequency);

    /// <summary>A side's own message of <paramref name="size"/> bytes (the demo's pattern).</summary>
    internal static byte[] Message(int size)
    {
        byte[] message = new byte[size];
        DemoPayload.Fill(message, 0);
        return message;
    }

    /// <summary>Claims a slot, copies <paramref name="message"/> into it, stamps the round trip over its first 8 bytes
    /// and commits; waits out back-pressure and a link being (re-)established (the publication's housekeeping runs
    /// meanwhile), up to the stall bound. Inlined into the initiator's loop: it sits between an answer's arrival and the
    /// next send.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Send(Publication output, ReadOnlySpan<byte> message, long stamp, IIdleStrategy idle, long stallTicks)
    {
        long start = 0;
        while (true)
        {
            long status = output.TryClaim(message.Length, out SlotClaim claim);
            if (status > 0)
            {
                Stamp(claim.Payload, message, stamp);
                status = output.Commit(claim);
                if (status > 0)
                {
                    return;
                }
            }

            Retry(status, ref start, idle, stallTicks, "send");
        }
    }

    /// <summary>Writes a whole message into a claimed slot, its first 8 bytes (when it has them) replaced by
    /// <paramref name="stamp"/>: each side writes all its bytes, as UCX's put_lat/put_bw and perftest write their
    /// buffers, never only the stamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Stamp(Span<byte> slot, ReadOnlySpan<byte> message, long stamp)
    {
        message.CopyTo(slot);
        if (message.Length >= sizeof(long))
        {
            BitConverter.TryWriteBytes(slot, stamp);
        }
    }

    /// <summary>After a refused claim, offer or commit: throws if the status is final or the refusals lasted past the
    /// stall bound (measured from the first one, <paramref name="start"/>), otherwise idles once.</summary>
    internal static void Retry(long status, ref long start, IIdleStrategy idle, long stallTicks, string what)
    {
        if (!QueueStatus.IsRetryable(status))
        {
            throw new InvalidOperationException($"{what} failed: {QueueStatus.Describe(status)}");
        }

        long now = Stopwatch.GetTimestamp();
        if (start == 0)
        {
            start = now;
        }
        else if (now - start > stallTicks)
        {
            throw new TimeoutException($"{what}: {QueueStatus.Describe(status)} for {stallTicks / Stopwatch.Frequency} s");
        }

        idle.Idle(0);
    }

    private struct CountingHandler : IMessageHandler
    {
        public long Count;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => Count++;
    }

    /// <summary>Answers each message with the responder's own (<paramref name="message"/>), without reading the payload
    /// that came in.</summary>
    private struct Answer(Publication output, byte[] message, IIdleStrategy idle, long stallTicks) : IMessageHandler
    {
        public long Answered;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            long start = 0;
            long status;
            while ((status = output.Offer(message)) < 0)
            {
                Retry(status, ref start, idle, stallTicks, "answer");
            }

            Answered++;
        }
    }
}
