using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RdmaStack.Hashing;
using RdmaStack.Queues;

namespace RdmaStack.Benchmarks;

/// <summary>
/// What the per-slot CRC-32C costs: the writer's slot encode (header + checksum) and the reader's verify
/// (read the header, recompute, compare), against a plain CRC-32C of the payload alone (the baseline); and
/// what the store-ordered channel's check costs instead (the marker: one compare).
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[BenchmarkCategory("SlotChecksum")]
public class SlotChecksumBenchmarks
{
    private const long Sequence = 123_456_789;
    private byte[] _slot = [];

    [Params(8, 64, 512, 4096)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _slot = new byte[SlotDescriptor.StrideFor(Size)];
        new Random(42).NextBytes(_slot.AsSpan(SlotDescriptor.HeaderLength, Size));
        Encode();
    }

    [Benchmark(Baseline = true)]
    public uint PayloadCrc32C() => Crc32C.Compute(_slot.AsSpan(SlotDescriptor.HeaderLength, Size));

    /// <summary>The writer's seal: sequence, length and the CRC over them and the payload.</summary>
    [Benchmark]
    public uint Encode()
    {
        Span<byte> slot = _slot;
        BinaryPrimitives.WriteInt64LittleEndian(slot[SlotDescriptor.SequenceOffset..], Sequence);
        BinaryPrimitives.WriteInt32LittleEndian(slot[SlotDescriptor.LengthOffset..], Size);
        uint crc = SlotDescriptor.ComputeChecksum(Sequence, slot.Slice(SlotDescriptor.HeaderLength, Size));
        BinaryPrimitives.WriteUInt32LittleEndian(slot[SlotDescriptor.ChecksumOffset..], crc);
        return crc;
    }

    /// <summary>The reader's acceptance test over a store-ordered channel: the expected sequence, a sane length,
    /// the marker.</summary>
    [Benchmark]
    public bool VerifyStoreOrdered()
    {
        ReadOnlySpan<byte> slot = _slot;
        long sequence = BinaryPrimitives.ReadInt64LittleEndian(slot[SlotDescriptor.SequenceOffset..]);
        int length = BinaryPrimitives.ReadInt32LittleEndian(slot[SlotDescriptor.LengthOffset..]);
        uint check = BinaryPrimitives.ReadUInt32LittleEndian(slot[SlotDescriptor.ChecksumOffset..]);
        return sequence == Sequence && (uint)length <= (uint)Size && check == SlotDescriptor.StoreOrderMarker;
    }

    /// <summary>The reader's acceptance test: the expected sequence, a sane length, the CRC holds.</summary>
    [Benchmark]
    public bool Verify()
    {
        ReadOnlySpan<byte> slot = _slot;
        long sequence = BinaryPrimitives.ReadInt64LittleEndian(slot[SlotDescriptor.SequenceOffset..]);
        int length = BinaryPrimitives.ReadInt32LittleEndian(slot[SlotDescriptor.LengthOffset..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(slot[SlotDescriptor.ChecksumOffset..]);
        return sequence == Sequence && (uint)length <= (uint)Size &&
            SlotDescriptor.ComputeChecksum(sequence, slot.Slice(SlotDescriptor.HeaderLength, length)) == crc;
    }
}
