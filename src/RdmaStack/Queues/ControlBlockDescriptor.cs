namespace RdmaStack.Queues;

/// <summary>
/// Layout of the writer's control block: the small region the reader writes into (its head, its
/// heartbeat, and its fault reports).
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
///  |  Fault reports, one int64 per link (MaxLinks): how many times  |
///  |  the reader found that link broken (a corrupt slot, a lost     |
///  |  write); the reader writes them into every link's block        |
///  +---------------------------------------------------------------+  offset 16 + 8 x MaxLinks
///  |  reserved (zero) up to one cache line                         |
///  +---------------------------------------------------------------+  offset 64
/// </code>
/// The reader keeps an identical 64-byte block as the source of these writes; each is one aligned
/// 8-byte write, so it lands whole.
/// </remarks>
internal static class ControlBlockDescriptor
{
    /// <summary>Offset of the reader's published head.</summary>
    public const int HeadOffset = 0;

    /// <summary>Offset of the reader's heartbeat counter.</summary>
    public const int ReaderHeartbeatOffset = 8;

    /// <summary>Offset of the fault report counter of link 0; link k's is at + 8 k.</summary>
    public const int FaultReportsOffset = 16;

    /// <summary>The most links one stream can fail over between.</summary>
    public const int MaxLinks = 4;

    /// <summary>Size of the control block.</summary>
    public const int Length = 64;

    /// <summary>Offset of link <paramref name="link"/>'s fault report counter.</summary>
    /// <param name="link">Link index, 0 to <see cref="MaxLinks"/> - 1.</param>
    /// <returns>The byte offset.</returns>
    public static int FaultReportOffset(int link) => FaultReportsOffset + (sizeof(long) * link);
}
