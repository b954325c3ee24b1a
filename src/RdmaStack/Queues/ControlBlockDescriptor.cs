using System.Runtime.CompilerServices;

namespace RdmaStack.Queues;

/// <summary>
/// Layout of the writer's control block: the small region the reader writes into (its head, its
/// heartbeat, its state and its fault reports), with the ordered accessors both ends go through.
/// </summary>
/// <remarks>
/// <code>
///  +---------------------------------------------------------------+  offset 0
///  |  Reader head (int64, LE): messages consumed. Written once per  |
///  |  segment the reader finishes, and when it moves to this link   |
///  +---------------------------------------------------------------+  offset 8
///  |  Reader heartbeat (int64): a counter the reader advances       |
///  |  periodically; a stall past the bound marks the link failed    |
///  +---------------------------------------------------------------+  offset 16
///  |  Reader state (int64): flags; bit 0 = closed (the reader       |
///  |  takes nothing more)                                           |
///  +---------------------------------------------------------------+  offset 24
///  |  Fault reports, one int64 per link (MaxLinks): the epoch in    |
///  |  which the reader found that link broken (a corrupt slot, a    |
///  |  lost write); the reader writes them into every link's block   |
///  +---------------------------------------------------------------+  offset 24 + 8 x MaxLinks = 56
///  |  reserved (zero) up to 128 bytes: a pair of cache lines of its |
///  |  own, so the adjacent-line prefetcher pairs it with nothing    |
///  +---------------------------------------------------------------+  offset 128
/// </code>
/// The reader keeps an identical block as the source of these writes; each is one aligned 8-byte write,
/// so it lands whole, and the writer reads each word with acquire semantics.
/// </remarks>
internal static unsafe class ControlBlockDescriptor
{
    // Public only for MaxLinks, which the rdmastack tool's drill options still read; every layout member is
    // internal (issue 10: the class becomes internal once the tool takes the bound from the public API).

    /// <summary>The most links one stream can fail over between.</summary>
    public const int MaxLinks = 4;

    /// <summary>Offset of the reader's published head.</summary>
    internal const int HeadOffset = 0;

    /// <summary>Offset of the reader's heartbeat counter.</summary>
    internal const int ReaderHeartbeatOffset = 8;

    /// <summary>Offset of the reader's state flags.</summary>
    internal const int ReaderStateOffset = 16;

    /// <summary>Offset of the fault report of link 0; link k's is at + 8 k.</summary>
    internal const int FaultReportsOffset = 24;

    /// <summary>Size of the control block.</summary>
    internal const int Length = 128;

    /// <summary>Reader state flag: the reader is closed.</summary>
    internal const long ReaderClosed = 1;

    /// <summary>Offset of link <paramref name="link"/>'s fault report.</summary>
    internal static int FaultReportOffset(int link) => FaultReportsOffset + (sizeof(long) * link);

    /// <summary>The reader's head as last written into the writer's block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long ReadHeadAcquire(byte* block) => Volatile.Read(ref *(long*)(block + HeadOffset));

    /// <summary>Sets the head in the reader's source block, ahead of the write that carries it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WriteHeadRelease(byte* block, long head) => Volatile.Write(ref *(long*)(block + HeadOffset), head);

    /// <summary>The reader's heartbeat counter as last written into the writer's block.</summary>
    internal static long ReadReaderHeartbeatAcquire(byte* block) => Volatile.Read(ref *(long*)(block + ReaderHeartbeatOffset));

    /// <summary>Sets the heartbeat in the reader's source block.</summary>
    internal static void WriteReaderHeartbeatRelease(byte* block, long heartbeat) => Volatile.Write(ref *(long*)(block + ReaderHeartbeatOffset), heartbeat);

    /// <summary>The reader's state flags as last written into the writer's block.</summary>
    internal static long ReadReaderStateAcquire(byte* block) => Volatile.Read(ref *(long*)(block + ReaderStateOffset));

    /// <summary>Sets the state flags in the reader's source block.</summary>
    internal static void WriteReaderStateRelease(byte* block, long state) => Volatile.Write(ref *(long*)(block + ReaderStateOffset), state);

    /// <summary>Link <paramref name="link"/>'s fault report as last written into the writer's block.</summary>
    internal static long ReadFaultReportAcquire(byte* block, int link) => Volatile.Read(ref *(long*)(block + FaultReportOffset(link)));

    /// <summary>Sets link <paramref name="link"/>'s fault report in the reader's source block.</summary>
    internal static void WriteFaultReportRelease(byte* block, int link, long epoch) => Volatile.Write(ref *(long*)(block + FaultReportOffset(link)), epoch);
}
