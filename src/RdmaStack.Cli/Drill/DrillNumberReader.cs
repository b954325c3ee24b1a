using RdmaStack.Queues;

namespace RdmaStack.Cli.Drill;

/// <summary>Collects <see cref="DrillNumbers"/> messages from a subscription, up to its capacity; a message that is
/// not one number is counted, not stored.</summary>
/// <param name="capacity">How many numbers to collect.</param>
internal struct DrillNumberReader(int capacity) : IMessageHandler
{
    private readonly long[] _values = new long[capacity];

    /// <summary>Numbers collected.</summary>
    public int Count { get; private set; }

    /// <summary>Messages that were not one number.</summary>
    public int Malformed { get; private set; }

    /// <summary>Whether every number has come.</summary>
    public readonly bool IsComplete => Count == _values.Length;

    /// <summary>The numbers collected, in order.</summary>
    public readonly ReadOnlySpan<long> Values => _values.AsSpan(0, Count);

    /// <inheritdoc/>
    public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
    {
        if (Count < _values.Length && DrillNumbers.TryRead(payload, out long value))
        {
            _values[Count++] = value;
        }
        else
        {
            Malformed++;
        }
    }
}
