using System.Buffers.Binary;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// The demo's message content: a pattern derived from the sequence number, so the receiver can check
/// every byte without having seen the sender's buffer.
/// </summary>
internal static class DemoPayload
{
    public static void Fill(Span<byte> payload, long sequence)
    {
        if (payload.Length >= sizeof(long))
        {
            BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
            for (int i = sizeof(long); i < payload.Length; i++)
            {
                payload[i] = PatternByte(sequence, i);
            }
        }
        else
        {
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = PatternByte(sequence, i);
            }
        }
    }

    public static bool Verify(ReadOnlySpan<byte> payload, long sequence, int expectedLength)
    {
        if (payload.Length != expectedLength)
        {
            return false;
        }

        int start = 0;
        if (payload.Length >= sizeof(long))
        {
            if (BinaryPrimitives.ReadInt64LittleEndian(payload) != sequence)
            {
                return false;
            }

            start = sizeof(long);
        }

        for (int i = start; i < payload.Length; i++)
        {
            if (payload[i] != PatternByte(sequence, i))
            {
                return false;
            }
        }

        return true;
    }

    private static byte PatternByte(long sequence, int index) => (byte)((sequence * 31) + (index * 7) + 1);
}
