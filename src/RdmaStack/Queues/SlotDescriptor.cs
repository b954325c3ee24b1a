using System.Runtime.CompilerServices;
using RdmaStack.Hashing;

namespace RdmaStack.Queues;

/// <summary>
/// Layout of one slot of a segmented queue, and the checksum that guards it.
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
///  |        CRC-32C over sequence, length and payload bytes        |
///  +---------------------------------------------------------------+  offset 16
///  |                        Payload ...                            |
///  |                  (length bytes, at most capacity)             |
///  +---------------------------------------------------------------+
///  |      padding up to the stride (a multiple of 64 bytes)        |
///  +---------------------------------------------------------------+
/// </code>
/// The slot at ring index i holds sequence numbers i + 1, i + 1 + C, i + 1 + 2C ... (C = S x B slots),
/// so a stale sequence (the previous lap) tells the reader "not written yet". RDMA does not promise
/// the order in which the bytes of one write land, so the reader never trusts the sequence alone: it
/// accepts a slot only when the sequence is the one it expects and the CRC over the whole slot holds.
/// </remarks>
internal static class SlotDescriptor
{
    /// <summary>Offset of the 64-bit sequence number.</summary>
    public const int SequenceOffset = 0;

    /// <summary>Offset of the 32-bit payload length.</summary>
    public const int LengthOffset = 8;

    /// <summary>Offset of the 32-bit CRC-32C.</summary>
    public const int ChecksumOffset = 12;

    /// <summary>Bytes before the payload.</summary>
    public const int HeaderLength = 16;

    /// <summary>Slots are padded to this, so no two slots share a cache line.</summary>
    public const int Alignment = 64;

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
}
