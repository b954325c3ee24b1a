using System.Runtime.CompilerServices;
using RdmaStack.Hashing;

namespace RdmaStack.Queues;

/// <summary>
/// Layout of the ring's trailer: the words besides the slots that the writer writes into the reader's
/// region, with the accessors that write and read them.
/// </summary>
/// <remarks>
/// <code>
///  +---------------------------------------------------------------+  TrailerOffset(ring) + 0
///  |  Writer heartbeat (int64): a counter the writer advances       |  (the ring's length rounded up to
///  |  periodically on every link, active or standby                 |   128 bytes: the trailer has a
///  +---------------------------------------------------------------+   128-byte pair of lines of its own)
///  |  Writer tail (int64): the last sequence written on this link   |  + 8
///  |  when the heartbeat was sent; lets the reader tell "nothing    |
///  |  sent" from "a write was lost"                                 |
///  +---------------------------------------------------------------+  + 16
///  |  Epoch (int64): the activation number of this link, 0 if the   |
///  |  writer never made it active; a failover sends it (before the  |
///  |  resent slots) so the reader follows the newest active link    |
///  +---------------------------------------------------------------+  + 24
///  |  Writer state (int64): flags; bit 0 = closed (no message       |
///  |  follows the tail)                                             |
///  +---------------------------------------------------------------+  + 32
///  |  Check (int64): tag "TRLR" in the high half, CRC-32C of the    |
///  |  four words above in the low half                             |
///  +---------------------------------------------------------------+  + 40
///  |  reserved (zero) up to 128 bytes                              |
///  +---------------------------------------------------------------+  + 128 = the region's end
/// </code>
/// <para>The five words travel in one write of <see cref="WriteLength"/> bytes, but RDMA lands the bytes of
/// one write in no promised order, and a seqlock inside one write cannot help (its two copies of the version
/// land in no order either). So the reader reads all five and keeps the snapshot only when the check word
/// matches the four others; otherwise (a write still landing) it keeps the last good snapshot. A never
/// written trailer (all zero) fails the check, so the snapshot starts as all zero: no heartbeat, tail 0,
/// epoch 0, open.</para>
/// </remarks>
internal static unsafe class RingTrailerDescriptor
{
    /// <summary>Offset (from the trailer's start) of the writer's heartbeat counter.</summary>
    public const int WriterHeartbeatOffset = 0;

    /// <summary>Offset (from the trailer's start) of the writer's tail.</summary>
    public const int WriterTailOffset = 8;

    /// <summary>Offset (from the trailer's start) of the link's activation epoch.</summary>
    public const int EpochOffset = 16;

    /// <summary>Offset (from the trailer's start) of the writer's state flags.</summary>
    public const int WriterStateOffset = 24;

    /// <summary>Offset (from the trailer's start) of the check word over the four words before it.</summary>
    public const int CheckOffset = 32;

    /// <summary>Bytes the heartbeat write carries: the four words and their check.</summary>
    public const int WriteLength = 40;

    /// <summary>Size of the trailer: a 128-byte aligned pair of cache lines, so that the adjacent-line
    /// prefetcher never pairs it with the last slot's line.</summary>
    public const int Length = 128;

    /// <summary>Writer state flag: the writer is closed; nothing follows its tail.</summary>
    public const long WriterClosed = 1;

    private const ulong CheckTag = 0x5452_4C52UL << 32; // "TRLR"

    /// <summary>Where the trailer starts in a region whose slots take <paramref name="ringLength"/> bytes.</summary>
    /// <param name="ringLength">Bytes of the slots.</param>
    /// <returns>The ring length rounded up to 128 bytes.</returns>
    public static long OffsetFor(long ringLength) => (ringLength + Length - 1) & ~(long)(Length - 1);

    /// <summary>Writes the four words and their check into <paramref name="trailer"/> (the writer's local
    /// source of the heartbeat write; plain stores, the channel's write carries them).</summary>
    public static void Seal(byte* trailer, in WriterTrailer values)
    {
        *(long*)(trailer + WriterHeartbeatOffset) = values.Heartbeat;
        *(long*)(trailer + WriterTailOffset) = values.Tail;
        *(long*)(trailer + EpochOffset) = values.Epoch;
        *(long*)(trailer + WriterStateOffset) = values.State;
        *(ulong*)(trailer + CheckOffset) = CheckOf(values.Heartbeat, values.Tail, values.Epoch, values.State);
    }

    /// <summary>Reads the trailer the writer writes remotely (acquire loads) into <paramref name="snapshot"/>
    /// when it is whole; a torn one leaves <paramref name="snapshot"/> as it was.</summary>
    /// <param name="trailer">The trailer in the reader's region.</param>
    /// <param name="snapshot">The last good snapshot; replaced by the trailer's contents when they check.</param>
    /// <param name="check">The check word of <paramref name="snapshot"/>: while the trailer's check word
    /// equals it, nothing changed and nothing else is read.</param>
    /// <returns>False when the words and their check disagree (a write caught landing).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ReadAcquire(byte* trailer, ref WriterTrailer snapshot, ref ulong check)
    {
        ulong seen = Volatile.Read(ref *(ulong*)(trailer + CheckOffset));
        return seen == check || ReadChanged(trailer, seen, ref snapshot, ref check);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ReadChanged(byte* trailer, ulong seen, ref WriterTrailer snapshot, ref ulong check)
    {
        long heartbeat = Volatile.Read(ref *(long*)(trailer + WriterHeartbeatOffset));
        long tail = Volatile.Read(ref *(long*)(trailer + WriterTailOffset));
        long epoch = Volatile.Read(ref *(long*)(trailer + EpochOffset));
        long state = Volatile.Read(ref *(long*)(trailer + WriterStateOffset));
        if (CheckOf(heartbeat, tail, epoch, state) != seen)
        {
            return false;
        }

        snapshot = new WriterTrailer(heartbeat, tail, epoch, state);
        check = seen;
        return true;
    }

    private static ulong CheckOf(long heartbeat, long tail, long epoch, long state)
    {
        uint crc = Crc32C.Append(Crc32C.Seed, (ulong)heartbeat);
        crc = Crc32C.Append(crc, (ulong)tail);
        crc = Crc32C.Append(crc, (ulong)epoch);
        crc = Crc32C.Append(crc, (ulong)state);
        return CheckTag | ~crc;
    }
}
