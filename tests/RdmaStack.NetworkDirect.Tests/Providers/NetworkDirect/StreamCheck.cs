using RdmaStack.Queues;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

/// <summary>
/// The messages of a test stream (message n has 1 + n % 64 bytes, each a function of n and its index, so both
/// inline and DMA-sized writes occur) and a handler that checks every delivered byte and counts what was lost
/// (a gap), duplicated (a sequence seen again), out of order, or corrupted.
/// </summary>
internal sealed class StreamCheck : IMessageHandler
{
    public const int MaxLength = 64;

    public long Delivered { get; private set; }

    public long Next { get; private set; } = 1;

    public long Lost { get; private set; }

    public long Duplicated { get; private set; }

    public long Corrupted { get; private set; }

    public static int Length(long sequence) => 1 + (int)(sequence % MaxLength);

    public static void Fill(Span<byte> message, long sequence)
    {
        for (int i = 0; i < message.Length; i++)
        {
            message[i] = (byte)((sequence * 31) + (i * 7) + (sequence >> 8));
        }
    }

    public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
    {
        if (sequence < Next)
        {
            Duplicated++;
            return;
        }

        Lost += sequence - Next;
        Next = sequence + 1;
        Delivered++;
        Span<byte> expected = stackalloc byte[MaxLength];
        expected = expected[..Length(sequence)];
        Fill(expected, sequence);
        if (!payload.SequenceEqual(expected))
        {
            Corrupted++;
        }
    }

    public override string ToString() => $"delivered {Delivered}, lost {Lost}, duplicated {Duplicated}, corrupted {Corrupted}, next {Next}";
}
