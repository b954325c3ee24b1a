using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RdmaStack.Queues;

/// <summary>Consecutive slots of a ring, from a first index, wrapping at the ring's end: the addressing that
/// <see cref="SlotBatch"/> and <see cref="MessageBatch"/> share.</summary>
internal readonly unsafe struct SlotRun
{
    private readonly byte* _slots;
    private readonly int _firstIndex;
    private readonly int _capacity;
    private readonly int _stride;

    public SlotRun(byte* slots, int firstIndex, int count, int capacity, int stride)
    {
        _slots = slots;
        _firstIndex = firstIndex;
        _capacity = capacity;
        _stride = stride;
        Count = count;
    }

    /// <summary>Slots in the run.</summary>
    public int Count { get; }

    /// <summary>The first byte of slot <paramref name="index"/> of the run.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the run.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Slot(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            ThrowIndex(index, Count);
        }

        int slot = _firstIndex + index;
        if (slot >= _capacity)
        {
            slot -= _capacity;
        }

        return _slots + ((long)slot * _stride);
    }

    [DoesNotReturn]
    private static void ThrowIndex(int index, int count) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch holds {count} slots.");
}
