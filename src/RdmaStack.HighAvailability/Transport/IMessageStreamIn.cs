using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Transport;

/// <summary>
/// The receiving end of one ordered message stream, in the shape of RdmaStack's subscription.
/// </summary>
/// <remarks>Single-threaded: one thread polls and calls <see cref="DoWork"/>. A handler must not poll the same stream
/// again.</remarks>
internal interface IMessageStreamIn
{
    /// <summary>Delivers up to <paramref name="limit"/> messages, each once and in order.</summary>
    /// <typeparam name="THandler">The handler (a struct for a direct call).</typeparam>
    /// <param name="handler">Receives each message; the span is valid only during the call.</param>
    /// <param name="limit">The most messages to deliver.</param>
    /// <returns>The messages delivered.</returns>
    int Poll<THandler>(ref THandler handler, int limit)
        where THandler : IMessageHandler, allows ref struct;

    /// <summary>True once the writer has closed or died and every message it sent was delivered (a stream that
    /// cannot tell, such as the transport's subscription, says false and leaves death to the replicas' timeouts).</summary>
    bool IsPeerClosed { get; }

    /// <summary>Lets the stream keep itself alive while the polling thread waits on another one (heartbeats,
    /// link supervision); returns the work done.</summary>
    /// <returns>Items of work done.</returns>
    int DoWork();
}
