using RdmaStack.Transport.Handshake;

namespace RdmaStack.Transport;

/// <summary>
/// The provider contract for connection set-up: how a fabric builds one end of a stream's link once the side channel
/// (<see cref="Connection.SideChannel"/>: listen, dial, accept, authenticate, route) has agreed with the peer on the
/// stream, the link and the roles. Together with <see cref="IRemoteWriteChannel"/> (the data path) it is all a fabric
/// provides; the queues and the failover layer above never know which one runs.
/// </summary>
/// <remarks>
/// Set-up path: blocking, allocating, called on the library's background threads, one connection at a time per link.
/// A provider registers memory only after the handshake has authenticated the peer.
/// </remarks>
internal interface ITransportProvider : IDisposable
{
    /// <summary>Which fabric.</summary>
    ProviderKind Kind { get; }

    /// <summary>Builds this side's end of the link: opens what it needs (a device context once its port is active,
    /// shared mappings), creates the queue's local memory, exchanges offers over <paramref name="handshake"/>, connects,
    /// and confirms with the peer, so that neither side writes before the other can receive.</summary>
    /// <param name="setup">The link, the stream's geometry, this side's role, the deadline.</param>
    /// <param name="handshake">An authenticated, routed handshake with the peer.</param>
    /// <param name="cancellation">Cancels the set-up (the fabric is closing).</param>
    /// <returns>The connection, owning everything it created.</returns>
    /// <exception cref="TransportException">The peer was refused, the device is not usable, or a call failed; the message
    /// names the cause. Nothing is left behind.</exception>
    ILinkConnection Connect(LinkSetup setup, ConnectionHandshake handshake, CancellationToken cancellation);
}
