using System.Globalization;
using System.Net;

namespace RdmaStack;

/// <summary>
/// One link of a <see cref="Fabric"/>: a NIC (or, for shared memory, a separate mapping) and how the two sides find
/// each other over it. A stream runs over every link of its fabric as one failover group: one link active, the others
/// connected standbys.
/// </summary>
/// <remarks>
/// <para>Who connects: a side whose link has a <see cref="Peer"/> dials it; a side without one accepts, on
/// <see cref="Listen"/> (two hosts) or, when neither is set, through an endpoint file in
/// <see cref="FabricOptions.RendezvousDirectory"/> (two processes of one host: the subscription listens on loopback
/// and writes the file, the publication reads it and dials). The dialling side also re-establishes the link after a
/// failure; the accepting side takes the new connection whenever it comes.</para>
/// <para>Two hosts, perftest's way: the server gives every link a <see cref="Listen"/> endpoint and no peer; the client
/// gives every link the server's endpoint as <see cref="Peer"/>. Both sides then add their publications and
/// subscriptions, in any order.</para>
/// </remarks>
public sealed record LinkOptions
{
    /// <summary>The RDMA device of this side of the link; unused by shared memory.</summary>
    /// <remarks>
    /// <para>Verbs: the device's name, as <c>ibv_devices</c> and <c>rdmastack devices</c> list it ("mlx5_0", "rxe0");
    /// <see cref="Port"/> and <see cref="GidIndex"/> pick the port and its address.</para>
    /// <para>NetworkDirect: the adapter's local IP address, IPv4 or IPv6 ("192.168.10.1"), because NetworkDirect
    /// addresses adapters by the addresses they serve (IND2Provider::QueryAddressList, then ResolveAddress); on Windows
    /// <c>rdmastack devices</c> lists each ND adapter with its addresses, and PowerShell's
    /// <c>Get-NetIPAddress -InterfaceAlias "&lt;the RDMA adapter&gt;"</c> shows them. The side that accepts the link
    /// listens for the NetworkDirect connection on that address (a port its provider picks); <see cref="Port"/> and
    /// <see cref="GidIndex"/> are not used. The other side learns the address in the handshake, so a link names only
    /// this side's adapter.</para>
    /// </remarks>
    public string? Device { get; init; }

    /// <summary>Verbs: the device's port, from 1 (default 1).</summary>
    public int Port { get; init; } = 1;

    /// <summary>Verbs: the GID index the queue pairs use; null (the default) finds the port's RoCE v2 GID, preferring an
    /// IPv4-mapped one (perftest's <c>-x</c>). On a native InfiniBand port the LID addresses the peer instead.</summary>
    public int? GidIndex { get; init; }

    /// <summary>Where this side accepts connections for the link (an address of the host, and a TCP port; port 0
    /// picks a free one). Null: loopback with an ephemeral port, published in an endpoint file.</summary>
    public IPEndPoint? Listen { get; init; }

    /// <summary>The other side's <see cref="Listen"/> endpoint (an <see cref="IPEndPoint"/> or a
    /// <see cref="DnsEndPoint"/>): this side dials it. Null: this side accepts, or (a publication without a listen
    /// endpoint) finds the peer through its endpoint file.</summary>
    public EndPoint? Peer { get; init; }

    /// <summary>Checks the values (not whether the device exists).</summary>
    /// <param name="index">The link's index, for the message.</param>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    internal void Validate(int index)
    {
        if (Port is < 1 or > 255)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Link {index}: the port is {Port}; ports are 1 to 255."));
        }

        if (GidIndex is < 0 or > 255)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Link {index}: the GID index is {GidIndex}; indexes are 0 to 255."));
        }

        if (Device is { Length: 0 })
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Link {index}: the device name is empty."));
        }

        if (Peer is not null && Listen is not null)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Link {index}: give it a Listen endpoint (this side accepts) or a Peer (this side dials), not both."));
        }

        if (Peer is not null and not IPEndPoint and not DnsEndPoint)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Link {index}: the peer must be an IPEndPoint or a DnsEndPoint, not a {Peer.GetType().Name}."));
        }
    }

    /// <summary>"rxe0 port 1", or "link 0" for shared memory.</summary>
    internal string Describe(int index) => Device is null
        ? string.Create(CultureInfo.InvariantCulture, $"link {index}")
        : string.Create(CultureInfo.InvariantCulture, $"link {index} ({Device} port {Port})");
}
