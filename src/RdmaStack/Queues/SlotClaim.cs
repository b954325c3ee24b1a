namespace RdmaStack.Queues;

/// <summary>
/// A slot claimed by <see cref="SegmentedQueueWriter.TryClaim"/>: write the message straight into
/// <see cref="Payload"/> (zero copy), then call <see cref="SegmentedQueueWriter.Commit"/>.
/// </summary>
public readonly ref struct SlotClaim
{
    internal SlotClaim(Span<byte> payload, long sequence)
    {
        Payload = payload;
        Sequence = sequence;
    }

    /// <summary>The claimed payload bytes, exactly the length asked for.</summary>
    public Span<byte> Payload { get; }

    /// <summary>The sequence number the message will carry.</summary>
    public long Sequence { get; }
}
