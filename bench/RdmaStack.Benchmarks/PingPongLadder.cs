using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using RdmaStack.Failover;
using RdmaStack.Providers.SharedMemory;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Benchmarks;

/// <summary>
/// <c>RdmaStack.Benchmarks loop ladder SIZE CYCLES [SEGMENTS SLOTS]</c>: where a shared-memory round trip's time goes,
/// one layer at a time, in one process so that every rung sees the same placement of the two vCPUs. Two threads
/// (initiator on CPU 0, responder on CPU 1) ping-pong through four rungs, interleaved in blocks of <see cref="Block"/>
/// round trips, one block of each rung per cycle:
/// <list type="number">
/// <item><c>line</c>: one fixed cache line each way, a spin with <c>pause</c> (native/cacheline-pingpong's algorithm in
/// managed code).</item>
/// <item><c>ring</c>: a bare ring of SEGMENTS x SLOTS slots of the queue's stride each way: the payload copied after a
/// 16-byte header, then the sequence stored last (release), the spin on the next slot (acquire). The bytes the queue
/// moves, in the memory it would use, with no queue.</item>
/// <item><c>queue</c>: <see cref="SegmentedQueueWriter"/> and <see cref="SegmentedQueueReader"/> of that geometry over the
/// shared-memory provider's local pair (TryClaim, an 8-byte stamp and Commit forth; Offer of the payload back, as perf
/// write-lat's echo).</item>
/// <item><c>failover</c>: the queue through a one-link <see cref="FailoverWriter"/> and <see cref="FailoverReader"/>, the
/// layer Publication and Subscription run on.</item>
/// </list>
/// The placement of the vCPUs moves on a scale of seconds to minutes, a cycle takes milliseconds: a rung's cost is read
/// as its difference from another rung of the same cycle (the median over cycles), beside each rung's median block p50.
/// </summary>
internal static unsafe class PingPongLadder
{
    private const int Block = 20_000;
    private static readonly string[] Rungs = ["line", "ring", "queue", "failover"];

    public static long Run(int size, long cycles, int segments, int slotsPerSegment)
    {
        var geometry = new SegmentedQueueGeometry(segments, slotsPerSegment, Math.Max(size, sizeof(long)));
        int stride = geometry.SlotStride;
        int ringSlots = segments * slotsPerSegment;
        nuint ringBytes = (nuint)(ringSlots * stride);
        byte* lines = (byte*)NativeMemory.AlignedAlloc(256, 64);
        byte* forth = (byte*)NativeMemory.AlignedAlloc(ringBytes, 4096);
        byte* back = (byte*)NativeMemory.AlignedAlloc(ringBytes, 4096);
        NativeMemory.Clear(lines, 256);
        NativeMemory.Clear(forth, ringBytes);
        NativeMemory.Clear(back, ringBytes);
        using LocalQueuePair queueForth = SharedMemoryProvider.CreateLocalPair(geometry);
        using LocalQueuePair queueBack = SharedMemoryProvider.CreateLocalPair(geometry);
        using LocalQueuePair linkForth = SharedMemoryProvider.CreateLocalPair(geometry);
        using LocalQueuePair linkBack = SharedMemoryProvider.CreateLocalPair(geometry);
        using var failoverForth = new FailoverWriter([linkForth.Writer]);
        using var failoverBack = new FailoverWriter([linkBack.Writer]);
        using var failoverForthReader = new FailoverReader([linkForth.Reader]);
        using var failoverBackReader = new FailoverReader([linkBack.Reader]);
        try
        {
            var responder = new Thread(() =>
            {
                CpuAffinity.PinCurrentThread(1);
                long sequence = 0;
                var queueEcho = new QueueEcho(queueBack.Writer);
                var failoverEcho = new FailoverEcho(failoverBack);
                for (long c = 0; c < cycles; c++)
                {
                    long first = sequence;
                    for (int i = 0; i < Block; i++)
                    {
                        long s = ++sequence;
                        SpinUntil((long*)lines, s);
                        Volatile.Write(ref *(long*)(lines + 128), s);
                    }

                    sequence = first;
                    for (int i = 0; i < Block; i++)
                    {
                        long s = ++sequence;
                        long offset = (s % ringSlots) * stride;
                        SpinUntil((long*)(forth + offset), s);
                        RingSend(back + offset, forth + offset + SlotDescriptor.HeaderLength, size, s);
                    }

                    EchoBlock(queueForth.Reader, ref queueEcho);

                    for (int i = 0; i < Block; i++)
                    {
                        while (failoverForthReader.Poll(ref failoverEcho, 1) == 0)
                        {
                            X86Base.Pause();
                        }
                    }
                }
            })
            { IsBackground = true };
            responder.Start();
            CpuAffinity.PinCurrentThread(0);
            long[][] rtt = [.. Rungs.Select(_ => new long[Block])];
            long[][] blockP50 = [.. Rungs.Select(_ => new long[cycles])];
            foreach (long[] samples in rtt)
            {
                samples.AsSpan().Fill(-1);
            }

            byte* message = stackalloc byte[Math.Max(size, 1)];
            var sink = new Sink();
            long seq = 0;
            for (long c = 0; c < cycles; c++)
            {
                long first = seq;
                long previous = 0;
                for (int i = 0; i < Block; i++)
                {
                    long s = ++seq;
                    Volatile.Write(ref *(long*)lines, s);
                    Stamp(rtt[0], i, ref previous);
                    SpinUntil((long*)(lines + 128), s);
                }

                rtt[0][^1] = Stopwatch.GetTimestamp() - previous;

                seq = first;
                for (int i = 0; i < Block; i++)
                {
                    long s = ++seq;
                    long offset = (s % ringSlots) * stride;
                    RingSend(forth + offset, message, size, s);
                    Stamp(rtt[1], i, ref previous);
                    SpinUntil((long*)(back + offset), s);
                }

                rtt[1][^1] = Stopwatch.GetTimestamp() - previous;

                QueueBlock(queueForth.Writer, queueBack.Reader, size, rtt[2], ref sink);

                for (int i = 0; i < Block; i++)
                {
                    Send(failoverForth, size, i);
                    Stamp(rtt[3], i, ref previous);
                    while (failoverBackReader.Poll(ref sink, 1) == 0)
                    {
                        X86Base.Pause();
                    }
                }

                rtt[3][^1] = Stopwatch.GetTimestamp() - previous;

                for (int r = 0; r < Rungs.Length; r++)
                {
                    Array.Sort(rtt[r]);
                    blockP50[r][c] = rtt[r][Block / 2];
                }
            }

            responder.Join();
            Report(geometry, cycles, blockP50);
            return sink.Count;
        }
        finally
        {
            NativeMemory.AlignedFree(lines);
            NativeMemory.AlignedFree(forth);
            NativeMemory.AlignedFree(back);
        }
    }

    private static void Report(SegmentedQueueGeometry geometry, long cycles, long[][] blockP50)
    {
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        double Median(IEnumerable<double> values)
        {
            double[] sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ladder {geometry}: {cycles} cycles of {Block:N0} round trips a rung; RTT in ns (the clock read after each send, in flight), median over cycles of each block's p50"));
        Console.WriteLine("  rung       RTT p50   one-way   x line (same cycle)   one-way ns over the rung before (same cycle)");
        for (int r = 0; r < Rungs.Length; r++)
        {
            int rung = r;
            double p50 = Median(blockP50[rung].Select(t => t * nsPerTick));
            double ratio = Median(Enumerable.Range(0, (int)cycles).Select(c => (double)blockP50[rung][c] / blockP50[0][c]));
            int reference = r - 1;
            double step = r == 0 ? 0 : Median(Enumerable.Range(0, (int)cycles).Select(c => (blockP50[rung][c] - blockP50[reference][c]) * nsPerTick / 2));
            string over = r == 0 ? "" : $"{step.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)} over {Rungs[reference]}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Rungs[r],-9} {p50,8:0} {p50 / 2,9:0.0} {ratio,12:0.00}   {over}"));
        }
    }

    /// <summary>The initiator's block of one queue rung: <see cref="Block"/> round trips, each RTT into <paramref name="samples"/>.</summary>
    private static void QueueBlock(SegmentedQueueWriter output, SegmentedQueueReader input, int size, long[] samples, ref Sink sink)
    {
        long previous = 0;
        for (int i = 0; i < Block; i++)
        {
            Send(output, size, i);
            Stamp(samples, i, ref previous);
            while (input.Poll(ref sink, 1) == 0)
            {
                X86Base.Pause();
            }
        }

        samples[^1] = Stopwatch.GetTimestamp() - previous;
    }

    /// <summary>The clock read right after a send, while the message is in flight (as perf write-lat reads it): the gap
    /// since the read after the previous send is that round trip's period, the clock's own cost overlapping the wait.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Stamp(long[] samples, int i, ref long previous)
    {
        long now = Stopwatch.GetTimestamp();
        if (i > 0)
        {
            samples[i - 1] = now - previous;
        }

        previous = now;
    }

    /// <summary>The responder's block of one queue rung.</summary>
    private static void EchoBlock(SegmentedQueueReader input, ref QueueEcho echo)
    {
        for (int i = 0; i < Block; i++)
        {
            while (input.Poll(ref echo, 1) == 0)
            {
                X86Base.Pause();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SpinUntil(long* sequence, long expected)
    {
        while (Volatile.Read(ref *sequence) != expected)
        {
            X86Base.Pause();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RingSend(byte* slot, byte* payload, int size, long sequence)
    {
        *(int*)(slot + SlotDescriptor.LengthOffset) = size;
        *(uint*)(slot + SlotDescriptor.ChecksumOffset) = SlotDescriptor.StoreOrderMarker;
        Buffer.MemoryCopy(payload, slot + SlotDescriptor.HeaderLength, size, size);
        Volatile.Write(ref *(long*)slot, sequence);
    }

    private static void Send(SegmentedQueueWriter writer, int size, long stamp)
    {
        SlotClaim claim;
        while (writer.TryClaim(size, out claim) < 0)
        {
        }

        BitConverter.TryWriteBytes(claim.Payload, stamp);
        writer.Commit(claim);
    }

    private static void Send(FailoverWriter writer, int size, long stamp)
    {
        SlotClaim claim;
        while (writer.TryClaim(size, out claim) < 0)
        {
        }

        BitConverter.TryWriteBytes(claim.Payload, stamp);
        writer.Commit(claim);
    }

    private struct Sink : IMessageHandler
    {
        public long Count;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => Count++;
    }

    private readonly struct QueueEcho(SegmentedQueueWriter output) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            while (output.Offer(payload) < 0)
            {
            }
        }
    }

    private readonly struct FailoverEcho(FailoverWriter output) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            while (output.Offer(payload) < 0)
            {
            }
        }
    }
}
