using RdmaStack.Queues;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// The receiver's check of every message, independent of the queue's own checks: the sequence numbers
/// must run 1, 2, 3 ... with no gap and no repeat, and every payload byte must match its pattern.
/// </summary>
internal struct StreamChecker(int size) : IMessageHandler
{
    private readonly int _size = size;

    public long Expected { get; private set; } = 1;

    public long Received { get; private set; }

    public long Lost { get; private set; }

    public long Duplicated { get; private set; }

    public long Corrupted { get; private set; }

    public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
    {
        Received++;
        if (sequence < Expected)
        {
            Duplicated++;
            return;
        }

        if (sequence > Expected)
        {
            Lost += sequence - Expected;
        }

        Expected = sequence + 1;
        if (!DemoPayload.Verify(payload, sequence, _size))
        {
            Corrupted++;
        }
    }
}
