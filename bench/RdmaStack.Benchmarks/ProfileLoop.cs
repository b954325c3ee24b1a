using System.Diagnostics;
using System.Globalization;
using RdmaStack.Queues;
using RdmaStack.Transport.SharedMemory;

namespace RdmaStack.Benchmarks;

/// <summary>
/// A bare loop over one hot path, for sampling (`perf record` with DOTNET_PerfMapEnabled=1), the JIT's
/// disassembly (DOTNET_JitDisasm) and a quick time per message, where BenchmarkDotNet's own machinery would
/// be in the way: <c>RdmaStack.Benchmarks loop SCENARIO SIZE COUNT</c>. bench/results/README.md says why
/// callgrind's instruction counts are not used on JIT code here.
/// </summary>
/// <remarks>
/// Scenarios, all in one thread over a local pair (the shared-memory provider's channel, as between
/// processes): <c>offer-poll</c> (Offer then Poll of one message), <c>claim-poll</c> (TryClaim, an 8-byte
/// stamp, Commit, Poll); and the pieces alone:
/// <c>crc</c> (the slot checksum of SIZE bytes), <c>copy</c> (header plus SIZE bytes copied once).
/// Run with DOTNET_TieredCompilation=0, as the rdmastack tool runs.
/// </remarks>
public static class ProfileLoop
{
    public static int Run(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: RdmaStack.Benchmarks loop offer-poll|claim-poll|crc|copy SIZE COUNT");
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
