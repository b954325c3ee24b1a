using BenchmarkDotNet.Attributes;
using RdmaStack.Hashing;
using RdmaStack.Queues;

namespace RdmaStack.Benchmarks;

/// <summary>
/// What the per-slot CRC-32C costs: the slot checksum (sequence + length + payload) against a plain
/// CRC-32C of the payload alone (the baseline).
/// </summary>
[MemoryDiagnoser]
public class SlotChecksumBenchmarks
{
    private byte[] _payload = [];

    [Params(8, 64, 512, 4096)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Size];
        new Random(42).NextBytes(_payload);
    }

    [Benchmark(Baseline = true)]
    public uint PayloadCrc32C() => Crc32C.Compute(_payload);

    [Benchmark]
    public uint SlotChecksum() => SlotDescriptor.ComputeChecksum(123_456_789, _payload);
}
