using RdmaStack.Transport.Handshake;

namespace RdmaStack.Transport.Connection;

/// <summary>The accepting end of one link of one stream, as a <see cref="LinkListener"/> sees it.</summary>
internal interface ILinkAcceptor
{
    /// <summary>Takes a connection the listener has authenticated and routed to this stream and link: answers the
    /// route, builds the connection with the provider and hands it to the stream. Runs on one of the listener's
    /// handshake threads; throws <see cref="TransportException"/> when the set-up fails.</summary>
    /// <param name="handshake">The authenticated handshake; the listener disposes it afterwards.</param>
    /// <param name="route">What the dialling side asked for.</param>
    /// <param name="cancellation">The fabric is closing.</param>
    void Accept(ConnectionHandshake handshake, StreamRoute route, CancellationToken cancellation);
}
