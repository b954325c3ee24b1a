namespace RdmaStack.Queues;

/// <summary>
/// Consecutive messages taken in place by <see cref="Subscription.PollBatch"/>: read them, then call
/// <see cref="Subscription.ReleaseBatch"/> once. The payloads are the slots themselves, valid until then.
/// </summary>
public readonly unsafe ref struct MessageBatch
{
    private readonly SlotRun _run;

    internal MessageBatch(SlotRun run, long firstSequence)
    {
        _run = run;
        FirstSequence = firstSequence;
    }

    /// <summary>Messages in the batch.</summary>
    public int Count => _run.Count;

    /// <summary>The sequence of the first message; message k carries FirstSequence + k.</summary>
    public long FirstSequence { get; }

    /// <summary>The payload of message <paramref name="index"/> (already checked).</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <returns>The message bytes, in the slot.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the batch.</exception>
    public ReadOnlySpan<byte> Payload(int index)
    {
        byte* slot = _run.Slot(index);
        return new ReadOnlySpan<byte>(SlotDescriptor.Payload(slot), SlotDescriptor.ReadLength(slot));
    }
}
