namespace RdmaStack.Queues;

/// <summary>
/// Layout of the writer's control block: the small region the reader writes its head into.
/// </summary>
/// <remarks>
/// <code>
///  +---------------------------------------------------------------+  offset 0
///  |  Reader head (int64, LE): messages consumed, always a whole   |
///  |  number of segments; written once per segment the reader     |
///  |  finishes, as one aligned 8-byte write                         |
///  +---------------------------------------------------------------+  offset 8
///  |  reserved (zero) up to one cache line                         |
///  +---------------------------------------------------------------+  offset 64
/// </code>
/// The reader keeps an identical 64-byte block as the source of that write.
/// </remarks>
public static class ControlBlockDescriptor
{
    /// <summary>Offset of the reader's published head.</summary>
    public const int HeadOffset = 0;

    /// <summary>Size of the control block.</summary>
    public const int Length = 64;
}
