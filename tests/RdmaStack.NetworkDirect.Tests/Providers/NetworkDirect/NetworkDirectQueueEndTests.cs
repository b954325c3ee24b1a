using RdmaStack.Interop.NetworkDirect;
using RdmaStack.NetworkDirect.Tests.Loopback;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

public class NetworkDirectQueueEndTests
{
    private static readonly SegmentedQueueGeometry s_geometry = new(4, 8, 64);
    private static readonly string[] s_connectionTeardown = ["disconnect Connector", "release Connector", "release QueuePair", "release CompletionQueue"];

    [Theory]
    [InlineData(LoopbackCompletionMode.Immediate)]
    [InlineData(LoopbackCompletionMode.Pending)]
    public void Connects_a_queue_whose_writes_land_in_the_peer_ring(LoopbackCompletionMode mode)
    {
        using var hosts = new LoopbackHosts(mode: mode);
        (SegmentedQueueWriter writer, SegmentedQueueReader reader) = hosts.Queue(0, s_geometry);
        using (writer)
        using (reader)
        {
            byte[] message = [.. Enumerable.Range(0, 40).Select(i => (byte)(i * 7))];
            Assert.Equal(1, writer.Offer(message));
            byte[]? received = null;
            Assert.Equal(1, reader.Poll((payload, sequence) => received = payload.ToArray()));
            Assert.Equal(message, received);
        }

        // Register, the connection request, CompleteConnect, Disconnect and Deregister went by the OVERLAPPED.
        Assert.True(mode == LoopbackCompletionMode.Immediate ? hosts.Fabric.DeferredCompletions == 0 : hosts.Fabric.DeferredCompletions >= 8, $"{hosts.Fabric.DeferredCompletions} deferred");
        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void Registers_remote_write_only_on_the_ring_and_the_control_block()
    {
        using var hosts = new LoopbackHosts();
        (NetworkDirectQueueEnd writer, NetworkDirectQueueEnd reader) = hosts.ConnectQueue(0, s_geometry);
        using (writer)
        using (reader)
        {
            IReadOnlyList<LoopbackMemoryRegion> regions = hosts.Fabric.Regions;
            Assert.Equal(4, regions.Count);
            ulong[] remoteWritable = [.. regions.Where(r => r.AllowsRemoteWrite).Select(r => (ulong)r.Buffer).Order()];
            Assert.Equal([.. new[] { writer.Exposed.Address, reader.Exposed.Address }.Order()], remoteWritable);
            Assert.All(regions.Where(r => !r.AllowsRemoteWrite), r => Assert.Equal(nddef.ND_MR_FLAG_ALLOW_LOCAL_WRITE, r.Flags));
            Assert.Equal(ControlBlockDescriptor.Length, writer.Offer.RegionLength);
            Assert.Equal(s_geometry.RingRegionLength, reader.Offer.RegionLength);
        }

        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void Refuses_a_connection_request_without_the_handshake_proof_and_accepts_the_real_peer()
    {
        using var hosts = new LoopbackHosts();
        NetworkDirectQueueEnd reader = NetworkDirectQueueEnd.Create(hosts.B[0], s_geometry, QueueEndpointRole.Reader, 0, NetworkDirectConnectionSide.Accept);
        NetworkDirectQueueEnd stranger = NetworkDirectQueueEnd.Create(hosts.A[0], s_geometry, QueueEndpointRole.Writer, 0, NetworkDirectConnectionSide.Dial);
        NetworkDirectQueueEnd writer = NetworkDirectQueueEnd.Create(hosts.A[0], s_geometry, QueueEndpointRole.Writer, 0, NetworkDirectConnectionSide.Dial);
        byte[] key = QueueConnections.NewKey();
        Exception? accepted = null;
        var accepting = new Thread(() => accepted = Record.Exception(() => reader.Connect(writer.Offer, key, cancellation: TestContext.Current.CancellationToken)));
        accepting.Start();

        // The stranger knows the listener's address, but not the handshake's key.
        var refused = Assert.Throws<TransportException>(() => stranger.Connect(reader.Offer, QueueConnections.NewKey(), cancellation: TestContext.Current.CancellationToken));
        Assert.Contains("IND2Connector::Connect", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ND_CONNECTION_REFUSED", refused.Message, StringComparison.Ordinal);

        writer.Connect(reader.Offer, key, cancellation: TestContext.Current.CancellationToken);
        accepting.Join();
        Assert.Null(accepted);
        Assert.Equal(1, reader.RefusedRequests);
        stranger.Dispose();
        using (SegmentedQueueWriter w = writer.CreateWriter())
        using (SegmentedQueueReader r = reader.CreateReader())
        {
            Assert.Equal(1, w.Offer([1, 2, 3]));
            Assert.Equal(1, r.Poll((_, _) => { }));
        }

        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void Gives_up_with_a_clear_message_when_no_peer_dials()
    {
        using var hosts = new LoopbackHosts();
        var options = new NetworkDirectConnectionOptions { SetupTimeout = TimeSpan.FromMilliseconds(200) };
        using NetworkDirectQueueEnd reader = NetworkDirectQueueEnd.Create(hosts.B[0], s_geometry, QueueEndpointRole.Reader, 0, NetworkDirectConnectionSide.Accept, options);
        using NetworkDirectQueueEnd writer = NetworkDirectQueueEnd.Create(hosts.A[0], s_geometry, QueueEndpointRole.Writer, 0, NetworkDirectConnectionSide.Dial, options);
        var e = Assert.Throws<TransportException>(() => reader.Connect(writer.Offer, QueueConnections.NewKey(), cancellation: TestContext.Current.CancellationToken));
        Assert.Contains($"no connection request that proves the handshake reached the listener at {reader.Offer.Listener} within 0.2 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_set_up_canceled_while_it_waits_for_the_peer_gives_up_and_leaves_nothing_behind()
    {
        using var hosts = new LoopbackHosts();
        var patient = new NetworkDirectConnectionOptions { SetupTimeout = TimeSpan.FromMinutes(10) };
        NetworkDirectQueueEnd reader = NetworkDirectQueueEnd.Create(hosts.B[0], s_geometry, QueueEndpointRole.Reader, 0, NetworkDirectConnectionSide.Accept, patient);
        NetworkDirectQueueEnd writer = NetworkDirectQueueEnd.Create(hosts.A[0], s_geometry, QueueEndpointRole.Writer, 0, NetworkDirectConnectionSide.Dial, patient);
        using (var closing = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            closing.CancelAfter(TimeSpan.FromMilliseconds(100));
            // Nobody dials: only the cancellation ends the wait for a connection request (a timeout would say so instead).
            Assert.Throws<OperationCanceledException>(() => reader.Connect(writer.Offer, QueueConnections.NewKey(), cancellation: closing.Token));
        }

        reader.Dispose();
        writer.Dispose();
        hosts.Dispose();

        // The listener's pending GetConnectionRequest was canceled before the listener went (else the double says so).
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void Refuses_an_adapter_that_carries_too_little_private_data_for_the_proof()
    {
        using var hosts = new LoopbackHosts(limits: info => info with { MaxCallerData = 32 });
        var e = Assert.Throws<TransportException>(() => NetworkDirectQueueEnd.Create(hosts.A[0], s_geometry, QueueEndpointRole.Writer, 0, NetworkDirectConnectionSide.Dial));
        Assert.Contains("carries 32 B of private data with a connection request; the handshake's proof needs 40 B", e.Message, StringComparison.Ordinal);
        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Theory]
    [InlineData(LoopbackCompletionMode.Immediate)]
    [InlineData(LoopbackCompletionMode.Pending)]
    public void Names_the_status_of_a_failed_registration_and_leaves_nothing_registered(LoopbackCompletionMode mode)
    {
        using var hosts = new LoopbackHosts(mode: mode);
        hosts.Fabric.FailNextRegistration = ndstatus.ND_INSUFFICIENT_RESOURCES;
        var e = Assert.Throws<TransportException>(() => NetworkDirectQueueEnd.Create(hosts.B[0], s_geometry, QueueEndpointRole.Reader, 0, NetworkDirectConnectionSide.Accept));
        Assert.Contains("IND2MemoryRegion::Register of the queue 0 ring", e.Message, StringComparison.Ordinal);
        Assert.Contains("ND_INSUFFICIENT_RESOURCES (0xC000009A)", e.Message, StringComparison.Ordinal);
        Assert.Empty(hosts.Fabric.Regions);
        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void A_first_message_that_fails_fails_the_set_up_and_leaves_no_connection_behind()
    {
        using var hosts = new LoopbackHosts();
        var options = new NetworkDirectConnectionOptions { SetupTimeout = TimeSpan.FromMilliseconds(500) };
        using NetworkDirectQueueEnd writer = NetworkDirectQueueEnd.Create(hosts.A[0], s_geometry, QueueEndpointRole.Writer, 0, NetworkDirectConnectionSide.Dial, options);
        using NetworkDirectQueueEnd reader = NetworkDirectQueueEnd.Create(hosts.B[0], s_geometry, QueueEndpointRole.Reader, 0, NetworkDirectConnectionSide.Accept, options);
        hosts.Fabric.FailNextSend = ndstatus.ND_IO_TIMEOUT;
        byte[] key = QueueConnections.NewKey();
        Exception? accepted = null;
        var accepting = new Thread(() => accepted = Record.Exception(() => reader.Connect(writer.Offer, key, cancellation: TestContext.Current.CancellationToken)));
        accepting.Start();
        var e = Assert.Throws<TransportException>(() => writer.Connect(reader.Offer, key, cancellation: TestContext.Current.CancellationToken));
        accepting.Join();
        Assert.Contains("the first Send to the acceptor failed with ND_IO_TIMEOUT", e.Message, StringComparison.Ordinal);
        // The dialler gave up and disconnected: the acceptor's receive is flushed (or, had it not been, timed out).
        Assert.Contains("the receive of the dialler's first message", Assert.IsType<TransportException>(accepted).Message, StringComparison.Ordinal);
        writer.Dispose();
        reader.Dispose();
        hosts.Dispose();

        // Both connectors had connected: they were disconnected before their release (else the double says so).
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void Tears_down_in_reverse_creation_order()
    {
        var hosts = new LoopbackHosts();
        (SegmentedQueueWriter writer, SegmentedQueueReader reader) = hosts.Queue(0, s_geometry);
        Assert.Equal(1, writer.Offer([42]));

        // Disposed out of order on purpose: the adapters first, the queue ends after. The handles keep the order.
        hosts.Dispose();
        writer.Dispose();
        reader.Dispose();

        IReadOnlyList<string> events = hosts.Fabric.Events;
        string Trace() => string.Join("\n", events);
        int[] writerSide = [.. s_connectionTeardown.Select(e => First(events, e))];
        Assert.True(writerSide.SequenceEqual(writerSide.Order()), Trace());
        int lastRegion = Last(events, "release MemoryRegion");
        int firstFileClosed = First(events, "close OverlappedFile");
        int firstAdapter = First(events, "release Adapter");
        int lastAdapter = Last(events, "release Adapter");
        int provider = Last(events, "release Provider");
        Assert.True(Last(events, "deregister MemoryRegion") < lastRegion, Trace());
        Assert.True(lastRegion < firstFileClosed || First(events, "release MemoryRegion") < firstFileClosed, Trace());
        Assert.True(firstFileClosed < firstAdapter && lastAdapter < provider, Trace());

        // The double records any object released before one of its children, or used after its release.
        hosts.Fabric.AssertClean();
    }

    private static int First(IReadOnlyList<string> events, string prefix)
    {
        for (int i = 0; i < events.Count; i++)
        {
            if (events[i].StartsWith(prefix, StringComparison.Ordinal))
            {
                return i;
            }
        }

        Assert.Fail($"no '{prefix}' in\n{string.Join("\n", events)}");
        return -1;
    }

    private static int Last(IReadOnlyList<string> events, string prefix)
    {
        for (int i = events.Count - 1; i >= 0; i--)
        {
            if (events[i].StartsWith(prefix, StringComparison.Ordinal))
            {
                return i;
            }
        }

        Assert.Fail($"no '{prefix}' in\n{string.Join("\n", events)}");
        return -1;
    }
}
