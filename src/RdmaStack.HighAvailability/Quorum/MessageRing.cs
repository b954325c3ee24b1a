namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// A FIFO of messages in preallocated fixed-size slots (no allocation after construction), whose items can also be
/// looked at and taken out of the middle: a processor's read-ahead while it waits for an external call's result,
/// and the replicator's queue of control messages to one processor. One thread.
/// </summary>
internal sealed class MessageRing
{
    private readonly byte[] _slots;
    private readonly int[] _lengths;
    private readonly int _slotLength;
    private long _head;
    private long _tail;

    public MessageRing(int slotLength, int capacity)
    {
        _slotLength = slotLength;
        _slots = new byte[(long)slotLength * capacity <= int.MaxValue ? slotLength * capacity : throw new ArgumentOutOfRangeException(nameof(capacity))];
        _lengths = new int[capacity];
    }

    /// <summary>Items held (taken ones in the middle included until the head passes them).</summary>
    public int Count => (int)(_tail - _head);

    /// <summary>Whether nothing is held.</summary>
    public bool IsEmpty => _tail == _head;

    /// <summary>Appends a copy of <paramref name="message"/>; false when full.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> message)
    {
        if (Count == _lengths.Length)
        {
            return false;
        }

        int slot = (int)(_tail % _lengths.Length);
        message.CopyTo(_slots.AsSpan(slot * _slotLength, _slotLength));
        _lengths[slot] = message.Length;
        _tail++;
        return true;
    }

    /// <summary>The oldest item not taken, without removing it; false when there is none.</summary>
    public bool TryPeek(out ReadOnlySpan<byte> message)
    {
        SkipTaken();
        if (_head == _tail)
        {
            message = default;
            return false;
        }

        message = At(_head);
        return true;
    }

    /// <summary>Removes the item <see cref="TryPeek"/> returned.</summary>
    public void Dequeue()
    {
        SkipTaken();
        if (_head != _tail)
        {
            _head++;
        }
    }

    /// <summary>The <paramref name="index"/>-th item from the head (taken ones are empty).</summary>
    public ReadOnlySpan<byte> this[int index] => At(_head + index);

    /// <summary>Takes the <paramref name="index"/>-th item out (it is skipped from then on).</summary>
    public void Take(int index) => _lengths[(int)((_head + index) % _lengths.Length)] = -1;

    /// <summary>Drops everything.</summary>
    public void Clear() => _head = _tail;

    private ReadOnlySpan<byte> At(long position)
    {
        int slot = (int)(position % _lengths.Length);
        int length = _lengths[slot];
        return length < 0 ? default : _slots.AsSpan(slot * _slotLength, length);
    }

    private void SkipTaken()
    {
        while (_head != _tail && _lengths[(int)(_head % _lengths.Length)] < 0)
        {
            _head++;
        }
    }
}
