using System.Collections;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// The receiving application's own check of a stream of sequences 1..count, independent of the queue's
/// checks: every sequence must arrive exactly once (a bitmap tells a repeat from a first arrival), in
/// order, with every payload byte matching its pattern.
/// </summary>
internal struct StreamChecker(int size, long count) : IMessageHandler
{
    /// <summary>The longest stream a checker can follow: its bitmap is one array of bits.</summary>
    public const int MaxCount = int.MaxValue - 1;

    private readonly BitArray _seen = new(checked((int)(count + 1)));

    /// <summary>Deliveries, repeats included.</summary>
    public long Received { get; private set; }

    /// <summary>Distinct sequences delivered.</summary>
    public long Distinct { get; private set; }

    /// <summary>The last sequence delivered.</summary>
    public long Last { get; private set; }

    /// <summary>Deliveries of a sequence already delivered.</summary>
    public long Duplicated { get; private set; }

    /// <summary>Deliveries that did not follow the previous one (a gap or a step back).</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>Deliveries whose payload is not the message of their sequence, or whose sequence is out of range.</summary>
    public long Corrupted { get; private set; }

    /// <summary>Sequences of 1..count never delivered.</summary>
    public readonly long Lost => count - Distinct;

    public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
    {
        Received++;
        if (sequence < 1 || sequence > count)
        {
            Corrupted++;
            return;
        }

        if (_seen[(int)sequence])
        {
            Duplicated++;
        }
        else
        {
            _seen[(int)sequence] = true;
            Distinct++;
        }

        if (sequence != Last + 1)
        {
            OutOfOrder++;
        }

        Last = sequence;
        if (!DemoPayload.Verify(payload, sequence, size))
        {
            Corrupted++;
        }
    }
}
