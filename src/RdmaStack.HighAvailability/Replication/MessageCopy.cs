using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>A poll handler that copies one message into a buffer of its own, so that it is handled after the poll.</summary>
internal struct MessageCopy : IMessageHandler
{
    private readonly byte[] _buffer;
    private int _length;

    public MessageCopy(int capacity) => _buffer = new byte[capacity];

    /// <summary>The message copied by the last poll.</summary>
    public readonly ReadOnlySpan<byte> Message => _buffer.AsSpan(0, _length);

    public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
    {
        payload.CopyTo(_buffer);
        _length = payload.Length;
    }
}
