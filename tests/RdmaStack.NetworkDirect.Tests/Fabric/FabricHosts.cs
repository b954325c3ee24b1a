using System.Net;
using RdmaStack.NetworkDirect.Tests.Loopback;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Queues;
using RdmaStack.Tests.Fabric;

namespace RdmaStack.NetworkDirect.Tests.Fabric;

/// <summary>
/// Two hosts, each with a fabric of the library's entry point over the NetworkDirect provider, and the loopback
/// NetworkDirect test double as their network (injected through <see cref="FabricOptions.NetworkDirectSource"/>, so
/// every call after DllGetClassObject is the library's real call path). The server reads (its subscriptions accept
/// every link's side channel on loopback TCP) and the client writes (its publications dial): link i joins the
/// client's adapter 192.0.2.(2i+1) to the server's 192.0.2.(2i+2), documentation addresses that nothing leaves the
/// process with.
/// </summary>
/// <remarks>Failure detection is kept generous (seconds) so that a loaded host cannot trip it: the faults here are
/// found by the provider, not by timing. Reconnection retries quickly, so a link comes back soon after its adapter
/// does.</remarks>
internal sealed class FabricHosts : IDisposable
{
    public FabricHosts(int links, LoopbackCompletionMode mode = LoopbackCompletionMode.Immediate)
    {
        Loopback = new LoopbackFabric { Mode = mode };
        DevicesA = [.. Enumerable.Range(0, links).Select(i => Loopback.AddDevice($"192.0.2.{(2 * i) + 1}"))];
        DevicesB = [.. Enumerable.Range(0, links).Select(i => Loopback.AddDevice($"192.0.2.{(2 * i) + 2}"))];
        var common = new FabricOptions
        {
            Provider = ProviderKind.NetworkDirect,
            NetworkDirectSource = Loopback.Source,
            Secret = HandshakeSecret.Generate(),
            Geometry = new SegmentedQueueGeometry(4, 64, 64),
            HeartbeatTimeout = TimeSpan.FromSeconds(5),
            LostWriteTimeout = TimeSpan.FromSeconds(2),
            ReconnectDelay = TimeSpan.FromMilliseconds(10),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(100),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        Server = RdmaStack.Fabric.Connect(common with
        {
            Links = [.. DevicesB.Select(d => new LinkOptions { Device = d.Address.ToString(), Listen = new IPEndPoint(IPAddress.Loopback, 0) })],
        });
        Client = RdmaStack.Fabric.Connect(common with
        {
            Links = [.. Enumerable.Range(0, links).Select(i => new LinkOptions { Device = DevicesA[i].Address.ToString(), Peer = Server.GetListenEndpoint(i) })],
        });
    }

    public LoopbackFabric Loopback { get; }

    /// <summary>The client's (writer's) adapters, by link.</summary>
    public LoopbackDevice[] DevicesA { get; }

    /// <summary>The server's (reader's) adapters, by link.</summary>
    public LoopbackDevice[] DevicesB { get; }

    public RdmaStack.Fabric Client { get; }

    public RdmaStack.Fabric Server { get; }

    public NetworkDirectTransportProvider ClientProvider => (NetworkDirectTransportProvider)Client.Provider;

    public NetworkDirectTransportProvider ServerProvider => (NetworkDirectTransportProvider)Server.Provider;

    /// <summary>A new stream: its subscription on the server, its publication on the client.</summary>
    public StreamPair Open() => StreamPair.Open(Client, Server, StreamPair.NewName());

    /// <summary>Breaks the connection of <paramref name="link"/> (its writer's queue pair and the reader's with it) as
    /// the network would: the next request of each side fails with ND_CONNECTION_ABORTED.</summary>
    public void AbortConnection(int link) => Loopback.AbortConnection(Assert.Single(Loopback.ConnectedQueuePairs(DevicesA[link])));

    /// <summary>Closes both fabrics; the double's objects are then all released (<see cref="LoopbackFabric.AssertClean"/>).</summary>
    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
