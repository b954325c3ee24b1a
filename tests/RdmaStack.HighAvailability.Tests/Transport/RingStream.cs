using RdmaStack.HighAvailability.Transport;
using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Tests.Transport;

/// <summary>A single-threaded stream over preallocated slots: no allocation per message, for allocation tests.</summary>
internal sealed class RingStream(int maxMessageLength, int capacity) : IMessageStreamOut, IMessageStreamIn
{
    private readonly byte[] _slots = new byte[maxMessageLength * capacity];
    private readonly int[] _lengths = new int[capacity];
    private long _head;
    private long _tail;

    public int MaxMessageLength { get; } = maxMessageLength;

    public bool IsPeerClosed => false;

    public long Offer(ReadOnlySpan<byte> message)
    {
        if (_tail - _head == _lengths.Length)
        {
            return QueueStatus.BackPressured;
        }

        int slot = (int)(_tail % _lengths.Length);
        message.CopyTo(_slots.AsSpan(slot * MaxMessageLength, MaxMessageLength));
        _lengths[slot] = message.Length;
        return ++_tail;
    }

    public int DoWork() => 0;

    public int Poll<THandler>(ref THandler handler, int limit)
        where THandler : IMessageHandler, allows ref struct
    {
        int delivered = 0;
        while (delivered < limit && _head < _tail)
        {
            int slot = (int)(_head % _lengths.Length);
            _head++;
            handler.OnMessage(_slots.AsSpan(slot * MaxMessageLength, _lengths[slot]), _head);
            delivered++;
        }

        return delivered;
    }
}
