namespace RdmaStack.Queues;

/// <summary>
/// Layout of the ring's trailer: one cache line after the last slot that the writer writes into the
/// reader's region besides the slots.
/// </summary>
/// <remarks>
/// <code>
///  +---------------------------------------------------------------+  offset RingLength + 0
///  |  Writer heartbeat (int64): a counter the writer advances       |
///  |  periodically on every link, active or standby                 |
///  +---------------------------------------------------------------+  offset RingLength + 8
///  |  Writer tail (int64): the last sequence written on this link   |
///  |  when the heartbeat was sent; lets the reader tell "nothing    |
///  |  sent" from "a write was lost"                                 |
///  +---------------------------------------------------------------+  offset RingLength + 16
///  |  Epoch (int64): the activation number of this link, 0 if the   |
///  |  writer never made it active; a failover sends it (before the  |
///  |  resent slots) so the reader follows the newest active link    |
///  +---------------------------------------------------------------+  offset RingLength + 24
///  |  reserved (zero)                                              |
///  +---------------------------------------------------------------+  offset RingLength + 64
/// </code>
/// The three words travel in one 24-byte write.
/// </remarks>
internal static class RingTrailerDescriptor
{
    /// <summary>Offset (from the trailer's start) of the writer's heartbeat counter.</summary>
    public const int WriterHeartbeatOffset = 0;

    /// <summary>Offset (from the trailer's start) of the writer's tail.</summary>
    public const int WriterTailOffset = 8;

    /// <summary>Offset (from the trailer's start) of the link's activation epoch.</summary>
    public const int EpochOffset = 16;

    /// <summary>Bytes the heartbeat write carries.</summary>
    public const int HeartbeatLength = 24;

    /// <summary>Size of the trailer.</summary>
    public const int Length = 64;
}
