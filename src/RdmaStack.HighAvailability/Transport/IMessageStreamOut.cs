namespace RdmaStack.HighAvailability.Transport;

/// <summary>
/// The sending end of one ordered message stream, in the shape of RdmaStack's publication: the replication
/// code sees only this, so the in-memory streams of the tests and the transport's publications plug in alike.
/// </summary>
/// <remarks>
/// Single-threaded: one thread calls <see cref="Offer"/> and <see cref="DoWork"/>. Every accepted message
/// is delivered once and in order while the stream lives; a stream whose peer died accepts no more.
/// </remarks>
internal interface IMessageStreamOut
{
    /// <summary>The largest message <see cref="Offer"/> accepts.</summary>
    int MaxMessageLength { get; }

    /// <summary>Sends one message without blocking.</summary>
    /// <param name="message">At most <see cref="MaxMessageLength"/> bytes.</param>
    /// <returns>The message's sequence (&gt; 0), or a negative RdmaStack.Queues.QueueStatus code
    /// (back-pressured, not connected, failing over, closed); never throws for those.</returns>
    long Offer(ReadOnlySpan<byte> message);

    /// <summary>Lets the stream make progress (completions, link supervision); returns the work done.</summary>
    /// <returns>Items of work done.</returns>
    int DoWork();
}
