namespace RdmaStack.Queues;

/// <summary>
/// Consecutive slots claimed by <see cref="Publication.TryClaimBatch"/>: write each message straight
/// into <see cref="Payload"/> (zero copy), then call <see cref="Publication.CommitBatch"/> once.
/// </summary>
public readonly unsafe ref struct SlotBatch
{
    private readonly SlotRun _run;
    private readonly int _length;

    internal SlotBatch(SlotRun run, int length, long firstSequence)
    {
        _run = run;
        _length = length;
        FirstSequence = firstSequence;
    }

    /// <summary>Slots claimed (at least 1 after a successful claim).</summary>
    public int Count => _run.Count;

    /// <summary>The sequence of the first slot; slot k carries FirstSequence + k.</summary>
    public long FirstSequence { get; }

    /// <summary>The payload bytes of slot <paramref name="index"/>, as long as claimed.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <returns>The bytes to write the message into.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the batch.</exception>
    public Span<byte> Payload(int index) => new(SlotDescriptor.Payload(_run.Slot(index)), _length);

    /// <summary>Shortens the message of slot <paramref name="index"/> to <paramref name="length"/> bytes.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <param name="length">0 to the length claimed.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the batch, or the length exceeds the claim.</exception>
    public void SetLength(int index, int length)
    {
        if ((uint)length > (uint)_length)
        {
            ThrowHelper.ThrowMessageTooLarge(length, _length, nameof(length));
        }

        SlotDescriptor.WriteLength(_run.Slot(index), length);
    }
}
