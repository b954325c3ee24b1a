namespace RdmaStack.HighAvailability.Engine;

/// <summary>
/// One client message as the dispatcher stamped it: everything a deterministic engine may depend on.
/// </summary>
/// <remarks>
/// The primary assigns <see cref="Sequence"/> and <see cref="Timestamp"/> and replicates the stamped input
/// before any engine sees it, so every replica (and a journal replay) processes the same bytes with the same
/// stamp. An engine that needs the time reads <see cref="Timestamp"/>, never a clock of its own.
/// </remarks>
public readonly ref struct StampedInput
{
    /// <summary>Creates a stamped input.</summary>
    /// <param name="sequence">The service-wide sequence number (1, 2, 3 ...).</param>
    /// <param name="timestamp">The dispatcher's time for this input (UTC ticks, never decreasing).</param>
    /// <param name="clientId">The client that sent it.</param>
    /// <param name="clientSequence">The client's own sequence number for it.</param>
    /// <param name="payload">The client's message.</param>
    public StampedInput(long sequence, long timestamp, long clientId, long clientSequence, ReadOnlySpan<byte> payload)
    {
        Sequence = sequence;
        Timestamp = timestamp;
        ClientId = clientId;
        ClientSequence = clientSequence;
        Payload = payload;
    }

    /// <summary>The service-wide sequence number (1, 2, 3 ...), the same on every replica.</summary>
    public long Sequence { get; }

    /// <summary>The dispatcher's time for this input, in UTC ticks (100 ns since 0001-01-01); never decreasing.</summary>
    public long Timestamp { get; }

    /// <summary>The client that sent the message.</summary>
    public long ClientId { get; }

    /// <summary>The client's own sequence number for the message.</summary>
    public long ClientSequence { get; }

    /// <summary>The client's message.</summary>
    public ReadOnlySpan<byte> Payload { get; }
}
