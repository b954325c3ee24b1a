using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RdmaStack.Queues;
using RdmaStack.Tests.Fabric;

namespace RdmaStack.Tests.Transport.Connection;

/// <summary>The accepting half of the side channel under attack: silent peers and wrong secrets delay no one else,
/// and every refusal is counted.</summary>
public sealed class LinkListenerTests
{
    private static FabricOptions ServerOptions(HandshakeSecret secret) => new()
    {
        Secret = secret,
        Links = [new LinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }],
        Geometry = new SegmentedQueueGeometry(2, 16, 16),
        HeartbeatTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public void Silent_peers_holding_handshakes_open_do_not_delay_a_real_one()
    {
        HandshakeSecret secret = HandshakeSecret.Generate();
        using var server = RdmaStack.Fabric.Connect(ServerOptions(secret));
        IPEndPoint endpoint = server.GetListenEndpoint(0);
        var silent = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var c = new TcpClient();
                c.Connect(endpoint); // connects, never speaks: each holds a handshake thread until the deadline (20 s)
                silent.Add(c);
            }

            using var client = RdmaStack.Fabric.Connect(ServerOptions(secret) with { Links = [new LinkOptions { Peer = endpoint }] });
            var clock = Stopwatch.StartNew();
            StreamPair s = StreamPair.Open(client, server, StreamPair.NewName());
            s.WaitAllLinksUp();
            s.Stream(100);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the real peer waited {clock.Elapsed} behind the silent ones");
        }
        finally
        {
            silent.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void A_peer_with_the_wrong_secret_is_refused_and_never_connects()
    {
        using var server = RdmaStack.Fabric.Connect(ServerOptions(HandshakeSecret.Generate()));
        IPEndPoint endpoint = server.GetListenEndpoint(0);
        using var stranger = RdmaStack.Fabric.Connect(ServerOptions(HandshakeSecret.Generate()) with { Links = [new LinkOptions { Peer = endpoint }] });
        string name = StreamPair.NewName();
        using Subscription sub = server.AddSubscription(name);
        using Publication pub = stranger.AddPublication(name);
        Assert.False(pub.WaitForConnection(TimeSpan.FromSeconds(2)));
        Assert.False(sub.WaitForConnection(TimeSpan.Zero));
        Assert.True(server.ListenerFor(0).Refused >= 1);
    }
}
