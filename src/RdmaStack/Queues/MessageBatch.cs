using System.Runtime.CompilerServices;

namespace RdmaStack.Queues;

/// <summary>
/// Consecutive messages taken in place by <see cref="SegmentedQueueReader.PollBatch"/>: read them, then call
/// <see cref="SegmentedQueueReader.ReleaseBatch"/> once. The payloads are the slots themselves, valid until then.
/// </summary>
public readonly unsafe ref struct MessageBatch
{
    private readonly byte* _slots;
    private readonly int _firstIndex;
    private readonly int _capacity;
    private readonly int _stride;

    internal MessageBatch(byte* slots, int firstIndex, int count, int capacity, int stride, long firstSequence)
    {
        _slots = slots;
        _firstIndex = firstIndex;
        _capacity = capacity;
        _stride = stride;
        Count = count;
        FirstSequence = firstSequence;
    }

    /// <summary>Messages in the batch.</summary>
    public int Count { get; }

    /// <summary>The sequence of the first message; message k carries FirstSequence + k.</summary>
    public long FirstSequence { get; }

    /// <summary>The payload of message <paramref name="index"/> (already checked).</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <returns>The message bytes, in the slot.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the batch.</exception>
    public ReadOnlySpan<byte> Payload(int index)
    {
        byte* slot = Slot(index);
        return new ReadOnlySpan<byte>(SlotDescriptor.Payload(slot), SlotDescriptor.ReadLength(slot));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* Slot(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            ThrowIndex(index);
        }

        int slot = _firstIndex + index;
        if (slot >= _capacity)
        {
            slot -= _capacity;
        }

        return _slots + ((long)slot * _stride);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch holds {Count} messages.");
}
