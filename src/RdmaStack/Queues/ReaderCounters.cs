namespace RdmaStack.Queues;

/// <summary>What a <see cref="SegmentedQueueReader"/> has seen, for reports and the health monitor.</summary>
/// <param name="Delivered">Messages handed to the handler.</param>
/// <param name="CorruptSlots">Slots with the expected sequence whose CRC or length never became valid (never delivered).</param>
/// <param name="SequenceErrors">Slots holding a sequence number that is neither the expected one nor the previous lap's (never delivered).</param>
/// <param name="TornReads">Reads that caught a slot mid-write (CRC not yet valid) and were retried.</param>
/// <param name="HeadPublications">Head words written back to the writer (one per finished segment).</param>
public readonly record struct ReaderCounters(long Delivered, long CorruptSlots, long SequenceErrors, long TornReads, long HeadPublications);
