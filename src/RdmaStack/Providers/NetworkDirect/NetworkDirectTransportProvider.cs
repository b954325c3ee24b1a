using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RdmaStack.Threading;
using RdmaStack.Transport;
using RdmaStack.Transport.Connection;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// The NetworkDirect provider behind the <see cref="ITransportProvider"/> contract. Each link end opens the adapter
/// its link names by IP address (a fresh one per connection, so an adapter that was removed and came back is opened
/// anew), builds its queue end (memory registered for remote write only where the peer writes, completion queue,
/// queue pair and, on the side that accepted the side channel, an IND2Listener), and exchanges offers over the
/// authenticated handshake: the region (address, token, length) as the queue endpoint, the listener's address in the
/// GID field and its port beside it. The side that dialled the side channel then connects with IND2Connector::Connect,
/// the other accepts from its listener, both proving with the connection's private data a key derived from the
/// handshake (<see cref="ConnectionHandshake.DeriveBindingKey"/>), and both confirm on the side channel.
/// </summary>
/// <remarks>
/// <para>The provider owns one <see cref="NetworkDirectDisconnectWatch"/> for its connections' failures outside the
/// data path; disposing the provider stops it. Every connection owns its adapter.</para>
/// <para>Set-up path: blocking, allocating, one connection at a time per link.</para>
/// </remarks>
internal sealed class NetworkDirectTransportProvider : ITransportProvider
{
    private readonly INetworkDirectProviderSource _source;
    private readonly NetworkDirectConnectionOptions _options;
    private readonly NetworkDirectDisconnectWatch _watch;

    /// <summary>Creates the provider.</summary>
    /// <param name="source">Where the NetworkDirect providers come from (the Winsock catalog; tests: the loopback double).</param>
    /// <param name="options">Queue pair and set-up settings; each connection's set-up timeout is what is left of its
    /// link's deadline.</param>
    /// <param name="threads">Where the watch's thread runs.</param>
    /// <param name="watchInterval">How often the watch looks at each connection's disconnect notification.</param>
    public NetworkDirectTransportProvider(INetworkDirectProviderSource source, NetworkDirectConnectionOptions options, BackgroundThreads threads, TimeSpan watchInterval)
    {
        _source = source;
        _options = options;
        _watch = new NetworkDirectDisconnectWatch(threads, watchInterval);
    }

    /// <inheritdoc/>
    public ProviderKind Kind => ProviderKind.NetworkDirect;

    /// <summary>Failures reported outside the data path so far (disconnect notifications that completed).</summary>
    internal long FailuresReported => _watch.Reported;

    /// <inheritdoc/>
    public ILinkConnection Connect(LinkSetup setup, ConnectionHandshake handshake, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(handshake);
        IPAddress address = AdapterAddress(setup);
        NetworkDirectConnectionSide side = setup.Dials ? NetworkDirectConnectionSide.Dial : NetworkDirectConnectionSide.Accept;
        NetworkDirectAdapter adapter = NetworkDirectDiscovery.OpenAdapter(address, _source);
        NetworkDirectQueueEnd? end = null;
        try
        {
            NetworkDirectConnectionOptions options = _options with { SetupTimeout = SideChannel.Remaining(setup.Deadline) };
            end = NetworkDirectQueueEnd.Create(adapter, setup.Geometry, setup.Role, 0, side, options);
            NetworkDirectQueueOffer own = end.Offer;
            var local = new ConnectionOffer(setup.Geometry, ToGid(own.Listener?.Address ?? adapter.Address), [new QueueEndpoint(own.Role, 0, 0, own.RegionAddress, own.RegionToken, own.RegionLength)])
            {
                ListenerPort = (ushort)(own.Listener?.Port ?? 0),
                Flags = OfferFlags.Checksummed, // an RDMA write's bytes land in no promised order
            };
            ConnectionOffer offer = handshake.Exchange(local);
            NetworkDirectQueueOffer peer = PeerOffer(offer, side, setup);
            end.Connect(peer, handshake.DeriveBindingKey(), setup.Deadline, cancellation);
            handshake.Confirm();
            string description = string.Create(
                CultureInfo.InvariantCulture,
                $"{adapter.Name}, link {setup.Link} of '{setup.Stream}', {(side == NetworkDirectConnectionSide.Dial ? $"connected to {peer.Listener}" : $"accepted on {own.Listener}")}");
            return new NetworkDirectLinkConnection(adapter, end, _watch, setup.DecorateChannel, description);
        }
        catch
        {
            end?.Dispose();
            adapter.Dispose();
            throw;
        }
    }

    /// <summary>Stops the watch (the fabric disposes its streams, and so every connection, before).</summary>
    public void Dispose() => _watch.Dispose();

    /// <summary>The adapter address a link names (<see cref="LinkOptions.Device"/>).</summary>
    /// <exception cref="TransportException">The link names none, or not an IP address.</exception>
    internal static IPAddress AdapterAddress(LinkSetup setup) =>
        setup.Options.Device is { } device && IPAddress.TryParse(device, out IPAddress? address)
            ? address
            : throw new TransportException(string.Create(
                CultureInfo.InvariantCulture,
                $"link {setup.Link} of stream '{setup.Stream}': the NetworkDirect provider names an adapter by its local IP address (LinkOptions.Device), got {(setup.Options.Device is null ? "none" : $"'{setup.Options.Device}'")}."));

    /// <summary>The 16 bytes of an address as a RoCE v2 GID carries it: IPv6, IPv4-mapped for IPv4.</summary>
    internal static byte[] ToGid(IPAddress address) =>
        (address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address).GetAddressBytes();

    /// <summary>The address a <see cref="ToGid"/> GID carries.</summary>
    internal static IPAddress FromGid(ReadOnlySpan<byte> gid)
    {
        var address = new IPAddress(gid);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>What the peer's offer says of its queue end, checked against this side's part in the connection.</summary>
    private static NetworkDirectQueueOffer PeerOffer(ConnectionOffer offer, NetworkDirectConnectionSide side, LinkSetup setup)
    {
        QueueEndpoint q = offer.Queues[0];
        bool listens = offer.ListenerPort != 0;
        if (listens == (side == NetworkDirectConnectionSide.Accept))
        {
            throw new TransportException(string.Create(
                CultureInfo.InvariantCulture,
                $"link {setup.Link} of stream '{setup.Stream}': both sides {(listens ? "listen" : "dial")} for the NetworkDirect connection; the side that dialled the side channel connects, the other listens."));
        }

        IPEndPoint? listener = listens ? new IPEndPoint(FromGid(offer.Gid.Span), offer.ListenerPort) : null;
        return new NetworkDirectQueueOffer(q.Role, 0, q.RegionAddress, q.RegionKey, q.RegionLength, listener);
    }
}
