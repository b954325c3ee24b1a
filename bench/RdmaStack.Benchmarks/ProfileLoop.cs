using System.Diagnostics;
using System.Globalization;
using RdmaStack.Queues;
using RdmaStack.Threading;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Benchmarks;

/// <summary>
/// A bare loop over one hot path, for sampling (`perf record` with DOTNET_PerfMapEnabled=1), the JIT's
/// disassembly (DOTNET_JitDisasm) and a quick time per message, where BenchmarkDotNet's own machinery would
/// be in the way: <c>RdmaStack.Benchmarks loop SCENARIO SIZE COUNT</c>. bench/results/README.md says why
/// callgrind's instruction counts are not used on JIT code here.
/// </summary>
/// <remarks>
/// Scenarios, all in one thread over a local pair (the shared-memory provider's channel, as between
/// processes): <c>offer-poll</c> (Offer then Poll of one message), <c>failover-claim-poll</c> (claim-poll through a
/// one-link failover writer and reader), <c>claim-poll</c> (TryClaim, an 8-byte
/// stamp, Commit, Poll), <c>batch-poll</c> (claim 32, stamp each, commit once, take up to 32, release once);
/// two threads (writer pinned to CPU 0, reader to CPU 1, as two processes would be): <c>stream</c> (claim/commit
/// and Poll one message at a time), <c>stream-batch</c> (batches of 32 both sides) and <c>pingpong</c> (one
/// message each way over two queues, RTT per round trip; the slow round trips' CLOCK_MONOTONIC start times and
/// lengths go to the file named by RDMASTACK_OUTLIERS, for bench/tail/attribute.py to match against kernel
/// events); and the pieces alone:
/// <c>crc</c> (the slot checksum of SIZE bytes), <c>copy</c> (header plus SIZE bytes copied once).
/// Run with DOTNET_TieredCompilation=0, as the rdmastack tool runs.
/// </remarks>
public static class ProfileLoop
{
    private const int Batch = 32;
    private const int BlockMessages = 1024;

    public static int Run(string[] args)
    {
        if (args.Length >= 3 && args[0] == "ladder")
        {
            return RunLadder(args);
        }

        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: RdmaStack.Benchmarks loop offer-poll|claim-poll|failover-claim-poll|batch-poll|stream|stream-batch|pingpong|crc|copy SIZE COUNT, or loop ladder SIZE CYCLES [SEGMENTS SLOTS]");
            return 2;
        }

        string scenario = args[0];
        int size = int.Parse(args[1], CultureInfo.InvariantCulture);
        long count = long.Parse(args[2], CultureInfo.InvariantCulture);
        var geometry = new SegmentedQueueGeometry(4, 256, size);
        using LocalQueuePair pair = SharedMemoryProvider.CreateLocalPair(geometry);
        long start = Stopwatch.GetTimestamp();
        long check = scenario switch
        {
            "offer-poll" => OfferPoll(pair, size, count),
            "claim-poll" => ClaimPoll(pair, size, count),
            "failover-claim-poll" => FailoverClaimPoll(pair, size, count),
            "batch-poll" => BatchPoll(pair, size, count),
            "stream" => Stream(pair, size, count, batch: false),
            "stream-batch" => Stream(pair, size, count, batch: true),
            "pingpong" => PingPong(geometry, size, count),
            "crc" => Checksum(size, count),
            "copy" => Copy(size, count),
            _ => -1,
        };
        if (check < 0)
        {
            Console.Error.WriteLine($"unknown scenario '{scenario}'");
            return 2;
        }

        double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario} {size} B x {count}: {ns:0.0} ns each (check {check}; crc32 instruction {System.Runtime.Intrinsics.X86.Sse42.X64.IsSupported}, avx2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}, avx512 {System.Runtime.Intrinsics.X86.Avx512F.IsSupported})"));
        return 0;
    }

    /// <summary><c>ladder SIZE CYCLES [SEGMENTS SLOTS]</c> (default 4 x 256, the perf tool's write-bw ring): see
    /// <see cref="PingPongLadder"/>.</summary>
    private static int RunLadder(string[] args)
    {
        int size = int.Parse(args[1], CultureInfo.InvariantCulture);
        long cycles = long.Parse(args[2], CultureInfo.InvariantCulture);
        int segments = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;
        int slots = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 256;
        PingPongLadder.Run(size, cycles, segments, slots);
        return 0;
    }

    private static long OfferPoll(LocalQueuePair pair, int size, long count)
    {
        byte[] message = new byte[size];
        var sink = new Sink();
        for (long i = 0; i < count; i++)
        {
            if (pair.Writer.Offer(message) < 0)
            {
                throw new InvalidOperationException("offer failed");
            }

            pair.Reader.Poll(ref sink, 1);
        }

        return sink.Bytes;
    }

    private static long ClaimPoll(LocalQueuePair pair, int size, long count)
    {
        var sink = new Sink();
        for (long i = 0; i < count; i++)
        {
            if (pair.Writer.TryClaim(size, out SlotClaim claim) < 0)
            {
                throw new InvalidOperationException("claim failed");
            }

            if (size >= sizeof(long))
            {
                BitConverter.TryWriteBytes(claim.Payload, i);
            }

            pair.Writer.Commit(claim);
            pair.Reader.Poll(ref sink, 1);
        }

        return sink.Bytes;
    }

    /// <summary><c>claim-poll</c> through a one-link <see cref="Failover.FailoverWriter"/> and
    /// <see cref="Failover.FailoverReader"/>: the failover layer's own cost per message, beside <c>claim-poll</c>.</summary>
    private static long FailoverClaimPoll(LocalQueuePair pair, int size, long count)
    {
        using var writer = new Failover.FailoverWriter([pair.Writer]);
        using var reader = new Failover.FailoverReader([pair.Reader]);
        var sink = new Sink();
        for (long i = 0; i < count; i++)
        {
            if (writer.TryClaim(size, out SlotClaim claim) < 0)
            {
                throw new InvalidOperationException("claim failed");
            }

            if (size >= sizeof(long))
            {
                BitConverter.TryWriteBytes(claim.Payload, i);
            }

            writer.Commit(claim);
            reader.Poll(ref sink, 1);
        }

        return sink.Bytes;
    }

    private static long BatchPoll(LocalQueuePair pair, int size, long count)
    {
        long checksum = 0;
        for (long i = 0; i < count; i += Batch)
        {
            long first = pair.Writer.TryClaimBatch(Batch, size, out SlotBatch batch);
            if (first < 0)
            {
                throw new InvalidOperationException("batch claim failed");
            }

            for (int k = 0; k < batch.Count; k++)
            {
                BitConverter.TryWriteBytes(batch.Payload(k), first + k);
            }

            pair.Writer.CommitBatch(batch);
            int n = pair.Reader.PollBatch(Batch, out MessageBatch taken);
            for (int k = 0; k < n; k++)
            {
                checksum += taken.Payload(k).Length;
            }

            pair.Reader.ReleaseBatch(taken);
        }

        return checksum;
    }

    /// <summary>The writer on its own thread (CPU 0) streams <paramref name="count"/> messages; this thread
    /// (CPU 1) takes them. Returns the messages received.</summary>
    private static long Stream(LocalQueuePair pair, int size, long count, bool batch)
    {
        var writer = new Thread(() => Write(pair.Writer, size, count, batch)) { IsBackground = true };
        writer.Start();
        CpuAffinity.PinCurrentThread(1);
        long received = 0;
        var sink = new Sink();

        // The time of each block of 1024 messages at the receiver: the median block leaves out the slices the
        // other tenants of a shared host took from either thread (the whole run's rate does not).
        long[] blocks = new long[(count / BlockMessages) + 1];
        blocks.AsSpan().Fill(-1); // fault the pages in now
        int block = 0;
        long blockStart = Stopwatch.GetTimestamp();
        while (received < count)
        {
            if (batch)
            {
                int n = pair.Reader.PollBatch(Batch, out MessageBatch taken);
                for (int k = 0; k < n; k++)
                {
                    sink.Bytes += taken.Payload(k).Length;
                }

                if (n > 0)
                {
                    pair.Reader.ReleaseBatch(taken);
                    received += n;
                }
            }
            else
            {
                received += pair.Reader.Poll(ref sink, Batch);
            }

            if (received >= (block + 1L) * BlockMessages)
            {
                long now = Stopwatch.GetTimestamp();
                blocks[block++] = now - blockStart;
                blockStart = now;
            }
        }

        writer.Join();
        Array.Sort(blocks, 0, block);
        double median = block > 0 ? blocks[block / 2] * (1e9 / Stopwatch.Frequency) / BlockMessages : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stream{(batch ? "-batch" : string.Empty)} median block of {BlockMessages}: {median:0.0} ns per message, {1e3 / median:0.00} M msg/s"));
        return received;
    }

    /// <summary>The initiator (this thread, CPU 0) sends a message and waits for the echo from the responder
    /// (CPU 1). Prints the RTT percentiles, the collections and context switches meanwhile, and writes the round
    /// trips slower than 4 us (start in CLOCK_MONOTONIC ns, length in ns) where RDMASTACK_OUTLIERS says.</summary>
    private static long PingPong(SegmentedQueueGeometry geometry, int size, long count)
    {
        using LocalQueuePair back = SharedMemoryProvider.CreateLocalPair(geometry);
        using LocalQueuePair forth = SharedMemoryProvider.CreateLocalPair(geometry);
        var responder = new Thread(() => Echo(forth.Reader, back.Writer, size, count)) { IsBackground = true };
        responder.Start();
        CpuAffinity.PinCurrentThread(0);
        long[] rtt = new long[count];
        rtt.AsSpan().Fill(-1); // fault the pages in now
        long[] starts = new long[count];
        starts.AsSpan().Fill(-1);
        var sink = new Sink();
        int gcBefore = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
        string switchesBefore = ContextSwitches();
        long previous = Stopwatch.GetTimestamp();
        long loopStart = previous;
        for (long i = 0; i < count; i++)
        {
            SlotClaim claim;
            while (forth.Writer.TryClaim(size, out claim) < 0)
            {
            }

            forth.Writer.Commit(claim);
            while (back.Reader.Poll(ref sink, 1) == 0)
            {
            }

            long now = Stopwatch.GetTimestamp();
            starts[i] = previous;
            rtt[i] = now - previous;
            previous = now;
        }

        int collections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - gcBefore;
        string switchesAfter = ContextSwitches();
        responder.Join();
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        long[] sorted = (long[])rtt.Clone();
        Array.Sort(sorted);
        double P(double q) => sorted[(int)Math.Min(sorted.Length - 1, q * sorted.Length)] * nsPerTick;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pingpong RTT ns: p50 {P(0.5):0} p99 {P(0.99):0} p99.9 {P(0.999):0} p99.99 {P(0.9999):0} max {sorted[^1] * nsPerTick:0}; GC collections during the loop {collections}"));
        Console.WriteLine($"context switches (voluntary/involuntary) before: {switchesBefore}; after: {switchesAfter}");
        string? path = Environment.GetEnvironmentVariable("RDMASTACK_OUTLIERS");
        if (path is not null)
        {
            // Stopwatch ticks are CLOCK_MONOTONIC nanoseconds on Linux (frequency 1e9), perf's -k CLOCK_MONOTONIC clock.
            using var output = new StreamWriter(path);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# pid={Environment.ProcessId} ticks_per_s={Stopwatch.Frequency} count={count} loop_start_ns={loopStart * nsPerTick:0} loop_end_ns={previous * nsPerTick:0}"));
            for (long i = 0; i < count; i++)
            {
                if (rtt[i] * nsPerTick > 4000)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{starts[i] * nsPerTick:0} {rtt[i] * nsPerTick:0}"));
                }
            }
        }

        return sink.Bytes;
    }

    private static void Echo(SegmentedQueueReader input, SegmentedQueueWriter output, int size, long count)
    {
        CpuAffinity.PinCurrentThread(1);
        var sink = new Sink();
        for (long i = 0; i < count; i++)
        {
            while (input.Poll(ref sink, 1) == 0)
            {
            }

            SlotClaim claim;
            while (output.TryClaim(size, out claim) < 0)
            {
            }

            output.Commit(claim);
        }
    }

    /// <summary>The process's threads' context switches, from /proc (voluntary/involuntary, summed).</summary>
    private static string ContextSwitches()
    {
        long voluntary = 0, involuntary = 0;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            foreach (string line in File.ReadLines(Path.Combine(task, "status")))
            {
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                {
                    voluntary += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                {
                    involuntary += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{voluntary}/{involuntary}");
    }

    private static void Write(SegmentedQueueWriter writer, int size, long count, bool batch)
    {
        CpuAffinity.PinCurrentThread(0);
        for (long sent = 0; sent < count;)
        {
            if (batch)
            {
                long first = writer.TryClaimBatch((int)Math.Min(Batch, count - sent), size, out SlotBatch slots);
                if (first > 0)
                {
                    for (int k = 0; k < slots.Count; k++)
                    {
                        BitConverter.TryWriteBytes(slots.Payload(k), first + k);
                    }

                    writer.CommitBatch(slots);
                    sent += slots.Count;
                }
            }
            else if (writer.TryClaim(size, out SlotClaim claim) > 0)
            {
                BitConverter.TryWriteBytes(claim.Payload, claim.Sequence);
                writer.Commit(claim);
                sent++;
            }
        }
    }

    private static long Checksum(int size, long count)
    {
        byte[] payload = new byte[size];
        uint crc = 0;
        for (long i = 0; i < count; i++)
        {
            crc ^= SlotDescriptor.ComputeChecksum(i, payload);
        }

        return crc;
    }

    private static unsafe long Copy(int size, long count)
    {
        int length = SlotDescriptor.HeaderLength + size;
        byte* source = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)length, 64);
        byte* target = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)length, 64);
        for (long i = 0; i < count; i++)
        {
            *(long*)source = i;
            Buffer.MemoryCopy(source, target, length, length);
        }

        long last = *(long*)target;
        System.Runtime.InteropServices.NativeMemory.AlignedFree(source);
        System.Runtime.InteropServices.NativeMemory.AlignedFree(target);
        return last;
    }

    private struct Sink : IMessageHandler
    {
        public long Bytes;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => Bytes += payload.Length;
    }
}
