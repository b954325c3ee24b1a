using System.Buffers.Binary;
using RdmaStack.Queues;

namespace RdmaStack.Tests;

/// <summary>Checks a stream whose message N carries N in its first 8 bytes and a pattern of N after them: every
/// sequence once, in order, every byte right.</summary>
internal struct StreamCheck : IMessageHandler
{
    /// <summary>Messages delivered.</summary>
    public long Count;

    /// <summary>Messages out of order, repeated, or with a wrong byte.</summary>
    public long Wrong;

    /// <summary>Writes message <paramref name="sequence"/>'s bytes.</summary>
    public static void Fill(Span<byte> message, long sequence)
    {
        BinaryPrimitives.WriteInt64LittleEndian(message, sequence);
        for (int i = sizeof(long); i < message.Length; i++)
        {
            message[i] = (byte)(sequence + i);
        }
    }

    /// <inheritdoc/>
    public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
    {
        bool right = sequence == Count + 1 && payload.Length >= sizeof(long) && BinaryPrimitives.ReadInt64LittleEndian(payload) == sequence;
        for (int i = sizeof(long); right && i < payload.Length; i++)
        {
            right = payload[i] == (byte)(sequence + i);
        }

        Wrong += right ? 0 : 1;
        Count++;
    }
}
