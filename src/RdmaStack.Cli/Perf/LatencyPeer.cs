using System.Diagnostics;
using System.Runtime.CompilerServices;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>
/// write-lat: the initiator writes a message and spins until the responder's echo arrives, like
/// perftest's write_lat. One timestamp per round trip, read right after each send, while the message is in
/// flight: the gap between consecutive ones is one period of the ping-pong, and the clock's own cost overlaps the
/// wait instead of sitting between an echo and the next send. (Read between them, a <c>clock_gettime</c> cost
/// 40-50 ns of the round trip on the critical path where its back-to-back cost is 22 ns: bench/results/README.md.)
/// </summary>
internal static class LatencyPeer
{
    /// <summary>The initiator: returns the one-way figures (RTT / 2) of this size.</summary>
    public static PerfSizeResult RunInitiator(Publication output, Subscription input, int size, PerfOptions options, IIdleStrategy idle) =>
        IsBusySpin(idle)
            ? RunInitiator(output, input, size, options, default(PauseStep), idle)
            : RunInitiator(output, input, size, options, new StrategyStep(idle), idle);

    /// <summary>The responder: echoes every message back on its own queue.</summary>
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
        long stallTicks = StallTicks(options);
        long previous = Stopwatch.GetTimestamp();
        for (int i = -options.Warmup; i < options.Iterations; i++)
        {
            Send(output, size, i, idle, stallTicks);

            // Round trip i - 1 ends here: its echo arrived, and this send followed it.
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
                    output.DoWork(); // the publication's heartbeats go on while this thread waits for the echo
                }

                if ((spins & 0xFFFF) == 0 && Stopwatch.GetTimestamp() - previous > stallTicks)
                {
                    throw new TimeoutException($"write-lat {size} B: no echo of round trip {i} within {options.StallTimeout.TotalSeconds:0.#} s");
                }
            }

        }

        // The last round trip has no send after it: its echo's arrival ends it.
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
        var echo = new Echo(output, idle, stallTicks);
        long total = (long)options.Warmup + options.Iterations;
        long last = Stopwatch.GetTimestamp(), spins = 0;
        while (echo.Echoed < total)
        {
            if (input.Poll(ref echo, 1) > 0)
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
                throw new TimeoutException($"write-lat {size} B: no message after {echo.Echoed} echoes within {options.StallTimeout.TotalSeconds:0.#} s");
            }
        }
    }

    internal static long StallTicks(PerfOptions options) => (long)(options.StallTimeout.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Claims a slot, stamps the round trip into it and commits; waits out back-pressure and a link being
    /// (re-)established (the publication's housekeeping runs meanwhile), up to the stall bound. Inlined into the
    /// initiator's loop: it sits between an echo's arrival and the next send.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Send(Publication output, int size, long stamp, IIdleStrategy idle, long stallTicks)
    {
        long start = 0;
        while (true)
        {
            long status = output.TryClaim(size, out SlotClaim claim);
            if (status > 0)
            {
                if (size >= sizeof(long))
                {
                    BitConverter.TryWriteBytes(claim.Payload, stamp);
                }

                status = output.Commit(claim);
                if (status > 0)
                {
                    return;
                }
            }

            Retry(status, ref start, idle, stallTicks, "send");
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

    private struct Echo(Publication output, IIdleStrategy idle, long stallTicks) : IMessageHandler
    {
        public long Echoed;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            long start = 0;
            long status;
            while ((status = output.Offer(payload)) < 0)
            {
                Retry(status, ref start, idle, stallTicks, "echo");
            }

            Echoed++;
        }
    }
}
