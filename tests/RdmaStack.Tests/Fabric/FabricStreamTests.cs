using System.Net;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Testing;

namespace RdmaStack.Tests.Fabric;

/// <summary>
/// The entry point over the shared-memory provider, in one process: streams, a link killed and re-established by the
/// library, device errors on either side turned into failovers, closing with a flush, two fabrics that find each
/// other through endpoints and a secret. Failure detection is kept generous (seconds) so a loaded host cannot
/// trip it: the faults here are found by the data path, not by timing.
/// </summary>
public sealed class FabricStreamTests
{
    private static FabricOptions Options(int links) => new()
    {
        Links = [.. Enumerable.Range(0, links).Select(_ => new LinkOptions())],
        Geometry = new SegmentedQueueGeometry(4, 32, 32),
        HeartbeatTimeout = TimeSpan.FromSeconds(5),
        LostWriteTimeout = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public void Streams_every_message_once_in_order_over_two_links()
    {
        using var fabric = RdmaStack.Fabric.Connect(Options(2));
        StreamPair s = StreamPair.Open(fabric);
        s.WaitAllLinksUp();
        s.Stream(20_000);
        s.AssertExactlyOnceInOrder();
        Assert.Empty(s.PublicationFailures);
        Assert.Equal(0, s.Publication.Failovers);
        Assert.Equal(LinkState.Active, s.Publication.GetLinkState(s.Publication.ActiveLink));
        Assert.Equal(LinkState.Standby, s.Publication.GetLinkState(1 - s.Publication.ActiveLink));
    }

    [Fact]
    public void A_killed_link_is_re_established_by_the_library_and_becomes_the_standby()
    {
        var faults = new FaultInjector(2);
        using var fabric = RdmaStack.Fabric.Connect(faults.Attach(Options(2)));
        StreamPair s = StreamPair.Open(fabric);
        s.WaitAllLinksUp();
        s.Stream(3_000);
        int victim = s.Publication.ActiveLink;

        faults.Kill(victim);
        s.Stream(3_000);
        s.PumpUntil(
            () => s.Publication.GetLinkState(victim) == LinkState.Standby && s.SubscriptionConnections.Any(c => c.Link == victim && c.Generation == 2),
            "the killed link back as the standby, on both sides");

        s.AssertExactlyOnceInOrder();
        LinkFailure failure = Assert.Single(s.PublicationFailures);
        Assert.Equal(victim, failure.Link);
        Assert.True(failure.Cause is LinkFailureCause.FailedPost or LinkFailureCause.ErrorCompletion, failure.ToString());
        Assert.Equal(1, s.Publication.Failovers);
        Assert.Equal(1 - victim, s.Publication.ActiveLink);
        Assert.Contains(s.PublicationConnections, c => c.Link == victim && c.Generation == 2);
        Assert.Contains(s.SubscriptionConnections, c => c.Link == victim && c.Generation == 2);
        Assert.Equal(2, faults.Connections(victim));

        // The re-established link carries the stream when the other one dies in turn.
        faults.Kill(1 - victim);
        s.Stream(3_000);
        s.AssertExactlyOnceInOrder();
        Assert.Equal(victim, s.Publication.ActiveLink);
        Assert.Equal(2, s.Publication.Failovers);
    }

    [Fact]
    public void A_stream_with_one_link_resumes_after_the_link_is_re_established()
    {
        var faults = new FaultInjector(1);
        using var fabric = RdmaStack.Fabric.Connect(faults.Attach(Options(1)));
        StreamPair s = StreamPair.Open(fabric);
        s.WaitAllLinksUp();
        s.Stream(1_000);
        faults.Kill(0);
        s.Stream(1_000); // offers are refused (NotConnected) until the library has the link back, then resume
        s.AssertExactlyOnceInOrder();
        Assert.Contains(s.PublicationConnections, c => c.Generation == 2);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_device_error_on_either_side_fails_the_stream_over(bool onTheWritersSide)
    {
        using var fabric = RdmaStack.Fabric.Connect(Options(2));
        StreamPair s = StreamPair.Open(fabric);
        s.WaitAllLinksUp();
        s.Stream(2_000);
        int victim = s.Publication.ActiveLink;
        if (onTheWritersSide)
        {
            FaultInjector.RaiseDeviceError(s.Publication, victim);
        }
        else
        {
            FaultInjector.RaiseDeviceError(s.Subscription, victim);
        }

        s.Stream(2_000);
        s.PumpUntil(() => s.Publication.GetLinkState(victim) == LinkState.Standby && s.Publication.Failovers == 1, "the failover and the re-established link");
        s.AssertExactlyOnceInOrder();
        FailoverEvent failover = Assert.Single(s.Failovers, f => f.From >= 0);
        Assert.Equal(victim, failover.From);
        Assert.Equal(LinkFailureCause.AsyncEvent, failover.Cause);
        if (!onTheWritersSide)
        {
            Assert.Contains(s.SubscriptionFailures, f => f.Link == victim && f.Cause == LinkFailureCause.AsyncEvent);
            Assert.Equal(1, s.Subscription.FaultsReported);
        }
    }

    [Fact]
    public void Close_flushes_until_the_reader_has_consumed_everything()
    {
        using var fabric = RdmaStack.Fabric.Connect(Options(2));
        StreamPair s = StreamPair.Open(fabric);
        s.WaitAllLinksUp();
        // The reader runs on a thread of its own; the close waits for its acknowledgement of the last, partial segment.
        using var stop = new CancellationTokenSource();
        var check = new StreamCheck();
        var reader = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (s.Subscription.Poll(ref check) == 0)
                {
                    s.Subscription.DoWork();
                    Thread.Yield();
                }
            }
        });
        reader.Start();
        byte[] message = new byte[8];
        for (long i = 1; i <= 1_000;)
        {
            StreamCheck.Fill(message, i);
            if (s.Publication.Offer(message) > 0)
            {
                i++;
            }
            else
            {
                Thread.Yield();
            }
        }

        CloseResult closed = s.Publication.Close(TimeSpan.FromSeconds(30));
        stop.Cancel();
        reader.Join();

        Assert.True(closed.Flushed, closed.ToString());
        Assert.Equal((1_000L, 1_000L), (closed.Offered, closed.Acknowledged));
        Assert.Equal(1_000, check.Count);
        Assert.Equal(0, check.Wrong);
        Assert.Equal("all 1,000 messages acknowledged", closed.ToString());
        Assert.Same(closed, s.Publication.Close(TimeSpan.Zero));
        Assert.Equal(QueueStatus.Closed, s.Publication.Offer(message));
    }

    [Fact]
    public void Close_says_what_the_reader_did_not_consume()
    {
        using var fabric = RdmaStack.Fabric.Connect(Options(1));
        StreamPair s = StreamPair.Open(fabric);
        s.WaitAllLinksUp();
        byte[] message = new byte[8];
        for (int i = 0; i < 10; i++)
        {
            Assert.True(s.Publication.Offer(message) > 0);
        }

        CloseResult closed = s.Publication.Close(TimeSpan.FromMilliseconds(200)); // nobody polls the subscription
        Assert.False(closed.Flushed);
        Assert.Equal(10, closed.Unacknowledged);
        Assert.Contains("not within 0.2 s", closed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_fabrics_connect_through_listen_and_peer_endpoints_with_a_shared_secret()
    {
        HandshakeSecret secret = HandshakeSecret.Generate();
        using var server = RdmaStack.Fabric.Connect(Options(2) with
        {
            Secret = secret,
            Links = [new LinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, new LinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }],
        });
        using var client = RdmaStack.Fabric.Connect(Options(2) with
        {
            Secret = secret,
            Links = [new LinkOptions { Peer = server.GetListenEndpoint(0) }, new LinkOptions { Peer = server.GetListenEndpoint(1) }],
        });

        // The client dials for both of its streams; the server accepts both, whichever way the data flows.
        string name = StreamPair.NewName();
        StreamPair up = StreamPair.Open(client, server, name + ".up");
        StreamPair down = StreamPair.Open(server, client, name + ".down");
        up.WaitAllLinksUp();
        down.WaitAllLinksUp();
        up.Stream(2_000);
        down.Stream(2_000);
        up.AssertExactlyOnceInOrder();
        down.AssertExactlyOnceInOrder();
    }

    [Fact]
    public void A_publication_added_before_its_subscription_connects_once_it_is_there()
    {
        using var fabric = RdmaStack.Fabric.Connect(Options(1));
        string name = StreamPair.NewName();
        Publication pub = fabric.AddPublication(name);
        Assert.False(pub.WaitForConnection(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(QueueStatus.NotConnected, pub.Offer(new byte[8]));
        var s = new StreamPair(pub, fabric.AddSubscription(name));
        s.WaitAllLinksUp();
        s.Stream(500);
        s.AssertExactlyOnceInOrder();
    }

    [Fact]
    public void Refuses_a_second_publication_of_a_stream_and_a_bad_name()
    {
        using var fabric = RdmaStack.Fabric.Connect(Options(1));
        string name = StreamPair.NewName();
        using Publication pub = fabric.AddPublication(name);
        Assert.Throws<InvalidOperationException>(() => fabric.AddPublication(name));
        Assert.Throws<ArgumentException>(() => fabric.AddSubscription("no spaces"));
        Assert.Throws<ArgumentException>(() => fabric.AddSubscription(new string('a', 101)));
    }

    [Fact]
    public void Refuses_options_that_cannot_work_naming_the_option()
    {
        Assert.Contains("Links", Assert.Throws<ArgumentException>(() => RdmaStack.Fabric.Connect(new FabricOptions { Links = [] })).Message, StringComparison.Ordinal);
        Assert.Contains("Secret", Assert.Throws<ArgumentException>(() => RdmaStack.Fabric.Connect(new FabricOptions { Links = [new LinkOptions { Peer = new IPEndPoint(IPAddress.Loopback, 1) }] })).Message, StringComparison.Ordinal);
        Assert.Contains("device", Assert.Throws<ArgumentException>(() => RdmaStack.Fabric.Connect(new FabricOptions { Provider = ProviderKind.Verbs })).Message, StringComparison.Ordinal);
        Assert.Contains("HeartbeatTimeout", Assert.Throws<ArgumentException>(() => RdmaStack.Fabric.Connect(new FabricOptions { HeartbeatTimeout = TimeSpan.FromMilliseconds(1) })).Message, StringComparison.Ordinal);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => RdmaStack.Fabric.Connect(new FabricOptions
        {
            Secret = HandshakeSecret.Generate(),
            Links = [new LinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Peer = new IPEndPoint(IPAddress.Loopback, 1) }],
        })).Message, StringComparison.Ordinal);
    }
}
