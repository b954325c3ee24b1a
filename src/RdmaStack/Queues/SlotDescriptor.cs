using System.Runtime.CompilerServices;
using RdmaStack.Hashing;

namespace RdmaStack.Queues;

/// <summary>
/// Layout of one slot of a segmented queue, the integrity check that guards it, and the ordered
/// accessors every reader and writer of a slot goes through.
/// </summary>
/// <remarks>
/// <code>
///   0                   1                   2                   3
///   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///  +---------------------------------------------------------------+  offset 0
///  |                  Sequence number (int64, LE)                  |
///  |      1, 2, 3 ... per stream; 0 = never written; encodes the lap|
///  +---------------------------------------------------------------+  offset 8
///  |                  Payload length (int32, LE)                   |
///  +---------------------------------------------------------------+  offset 12
///  |  Check (uint32): CRC-32C over sequence, length and payload,   |
///  |  or <see cref="StoreOrderMarker"/> on a store-ordered channel |
///  +---------------------------------------------------------------+  offset 16
///  |                        Payload ...                            |
///  |                  (length bytes, at most capacity)             |
///  +---------------------------------------------------------------+
///  |      padding up to the stride (a multiple of 128 bytes)       |
///  +---------------------------------------------------------------+
/// </code>
/// <para>The slot at ring index i holds sequence numbers i + 1, i + 1 + C, i + 1 + 2C ... (C = S x B slots),
/// so a stale sequence (the previous lap) tells the reader "not written yet".</para>
/// <para>Integrity, chosen per provider (<see cref="Transport.IRemoteWriteChannel.WritesCanTear"/>): RDMA does
/// not promise the order in which the bytes of one write land, so on such a channel the reader never trusts
/// the sequence alone: it accepts a slot only when the sequence is the one it expects and the CRC over the
/// whole slot holds; a CRC that keeps failing is a corrupt slot, which the failover layer turns into a
/// failover. A shared-memory channel stores the sequence last with release semantics, after every other byte
/// of the slot (x86 makes stores visible in program order; a release store orders them on any CPU): a
/// reader that acquires the expected sequence sees the whole slot, so a CRC there would protect nothing and
/// costs a 10-step dependent chain on each side. There the check word carries <see cref="StoreOrderMarker"/>
/// instead, and the reader requires it: a writer and a reader that disagree on the mode never deliver a slot
/// (every slot fails its check and is reported corrupt) rather than deliver one unchecked.</para>
/// </remarks>
internal static unsafe class SlotDescriptor
{
    /// <summary>Offset of the 64-bit sequence number.</summary>
    public const int SequenceOffset = 0;

    /// <summary>Offset of the 32-bit payload length.</summary>
    public const int LengthOffset = 8;

    /// <summary>Offset of the 32-bit check word (CRC-32C, or <see cref="StoreOrderMarker"/>).</summary>
    public const int ChecksumOffset = 12;

    /// <summary>Bytes before the payload.</summary>
    public const int HeaderLength = 16;

    /// <summary>Slots are padded to this: each slot has a pair of cache lines of its own. The adjacent-line prefetcher
    /// moves lines in 128-byte pairs, so two one-line slots in one pair tie the slot being written to the one being read:
    /// with 64-byte slots a one-way trip at 8 and 48 B took 75 ns where 128-byte slots took 60-65 ns, the same as a
    /// 64 B message (bench/results/README.md, issue 14 third round), at the same stream rate.</summary>
    public const int Alignment = 128;

    /// <summary>The check word of a slot written over a store-ordered channel ("SORD"): the slot carries no CRC.</summary>
    public const uint StoreOrderMarker = 0x44524F53;

    /// <summary>The stride of a slot whose payload holds <paramref name="payloadCapacity"/> bytes.</summary>
    /// <param name="payloadCapacity">Largest payload.</param>
    /// <returns>Header plus payload rounded up to <see cref="Alignment"/>.</returns>
    public static int StrideFor(int payloadCapacity) => (HeaderLength + payloadCapacity + Alignment - 1) & ~(Alignment - 1);

    /// <summary>The checksum a slot with these contents carries.</summary>
    /// <param name="sequence">The slot's sequence number.</param>
    /// <param name="payload">The payload bytes.</param>
    /// <returns>CRC-32C over the sequence (8 bytes LE), the length (4 bytes LE) and the payload.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ComputeChecksum(long sequence, ReadOnlySpan<byte> payload)
    {
        uint crc = Crc32C.Append(Crc32C.Seed, (ulong)sequence);
        crc = Crc32C.Append(crc, (uint)payload.Length);
        return ~Crc32C.Append(crc, payload);
    }

    /// <summary>The slot's sequence, read with acquire semantics: what the slot holds after it is at least
    /// as new as the sequence (on a store-ordered channel; on RDMA the check word decides).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ReadSequenceAcquire(byte* slot) => Volatile.Read(ref *(long*)(slot + SequenceOffset));

    /// <summary>Publishes the slot: the sequence, stored last with release semantics.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteSequenceRelease(byte* slot, long sequence) => Volatile.Write(ref *(long*)(slot + SequenceOffset), sequence);

    /// <summary>The payload length (a plain read, ordered by <see cref="ReadSequenceAcquire"/> before it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadLength(byte* slot) => *(int*)(slot + LengthOffset);

    /// <summary>Stores the payload length (plain: published by the sequence stored after it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteLength(byte* slot, int length) => *(int*)(slot + LengthOffset) = length;

    /// <summary>The slot's check word (a plain read, after the sequence's acquire).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadCheck(byte* slot) => *(uint*)(slot + ChecksumOffset);

    /// <summary>The first payload byte of the slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Payload(byte* slot) => slot + HeaderLength;

    /// <summary>Writes length and check word, then the sequence, as plain stores: for a local mirror
    /// whose bytes a channel then carries (the channel's own write orders them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Seal(byte* slot, long sequence, int length, bool checksum)
    {
        WriteLength(slot, length);
        *(uint*)(slot + ChecksumOffset) = CheckFor(slot, sequence, length, checksum);
        *(long*)(slot + SequenceOffset) = sequence;
    }

    /// <summary>Writes length and check word, then publishes the sequence with a release store: for a slot
    /// written in place in the reader's memory (a store-ordered channel's direct target).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Publish(byte* slot, long sequence, int length, bool checksum)
    {
        WriteLength(slot, length);
        *(uint*)(slot + ChecksumOffset) = CheckFor(slot, sequence, length, checksum);
        WriteSequenceRelease(slot, sequence);
    }

    /// <summary>Rewrites only the check word of a sealed slot for another integrity mode (a failover that
    /// copies slots between links of different providers).</summary>
    public static void Reseal(byte* slot, bool checksum) =>
        *(uint*)(slot + ChecksumOffset) = CheckFor(slot, *(long*)(slot + SequenceOffset), ReadLength(slot), checksum);

    /// <summary>Whether a slot read after its expected sequence may be delivered: a sane length and the
    /// check word the mode asks for.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="sequence">The sequence just read from it.</param>
    /// <param name="capacity">The largest payload.</param>
    /// <param name="checksum">CRC mode (true) or store-order mode.</param>
    /// <param name="length">The payload length, when intact.</param>
    /// <returns>True to deliver.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsIntact(byte* slot, long sequence, int capacity, bool checksum, out int length)
    {
        length = ReadLength(slot);
        uint check = ReadCheck(slot);
        if ((uint)length > (uint)capacity)
        {
            return false;
        }

        return checksum ? ChecksumHolds(slot, sequence, length, check) : check == StoreOrderMarker;
    }

    /// <summary>The CRC check, out of line: inlined, its loop would take registers from every poll of a
    /// store-ordered ring too (spills and a larger frame in the reader's spin), where it never runs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ChecksumHolds(byte* slot, long sequence, int length, uint check) =>
        ComputeChecksum(sequence, new ReadOnlySpan<byte>(Payload(slot), length)) == check;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint CheckFor(byte* slot, long sequence, int length, bool checksum) =>
        checksum ? ComputeChecksum(sequence, new ReadOnlySpan<byte>(Payload(slot), length)) : StoreOrderMarker;
}
