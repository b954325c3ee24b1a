using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Tests.Transport.Handshake;

/// <summary>The out-of-band handshake over TCP on 127.0.0.1 (ports from an ephemeral listener), good and bad flows.</summary>
[Trait("Lab", "true")]
public sealed class ConnectionHandshakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly SegmentedQueueGeometry Geometry = new(4, 16, 64);
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task Exchanges_offers_between_authenticated_peers()
    {
        ConnectionOffer writerSide = Offer(QueueEndpointRole.Writer, 0x11, ControlBlockDescriptor.Length);
        ConnectionOffer readerSide = Offer(QueueEndpointRole.Reader, 0x22, Geometry.RingRegionLength);
        using var listener = Listen();
        var registered = new Counter();
        Task<(ConnectionOffer Local, ConnectionOffer Peer)> server = Task.Run(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            (ConnectionOffer, ConnectionOffer) result = h.Run(() => { registered.Add(); return readerSide; });
            h.Confirm();
            return result;
        }, TestContext.Current.CancellationToken);
        using ConnectionHandshake client = ConnectionHandshake.Connect(Endpoint(listener), Secret, Timeout);
        (ConnectionOffer _, ConnectionOffer fromServer) = client.Run(() => { registered.Add(); return writerSide; });
        client.Confirm();
        (ConnectionOffer _, ConnectionOffer fromClient) = await server;

        Assert.True(client.IsAuthenticated);
        Assert.Equal(2, registered.Value);
        AssertSame(readerSide, fromServer);
        AssertSame(writerSide, fromClient);
    }

    [Fact]
    public async Task Refuses_a_wrong_secret_and_registers_nothing()
    {
        using var listener = Listen();
        var registered = new Counter();
        Task<TransportException?> server = Task.Run(() => Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Run(() => { registered.Add(); return Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength); });
        }), TestContext.Current.CancellationToken);
        TransportException? clientError = Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Connect(Endpoint(listener), RandomNumberGenerator.GetBytes(32), Timeout);
            h.Run(() => { registered.Add(); return Offer(QueueEndpointRole.Writer, 2, ControlBlockDescriptor.Length); });
        });

        AssertRefused(await server, "wrong secret");
        AssertRefused(clientError, "wrong secret");
        Assert.Equal(0, registered.Value);
    }

    [Fact]
    public async Task Refuses_a_truncated_hello()
    {
        using var listener = Listen();
        var registered = new Counter();
        Task<TransportException?> server = Task.Run(() => Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Run(() => { registered.Add(); return Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength); });
        }), TestContext.Current.CancellationToken);
        using (var raw = new TcpClient())
        {
            raw.Connect(Endpoint(listener));
            raw.GetStream().Write("RDMASTK\u0001\u0001"u8.ToArray().Concat(new byte[11]).ToArray());
        }

        TransportException? error = await server;
        AssertRefused(error, "truncated hello");
        Assert.Contains("after 20 of 41 bytes", error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, registered.Value);
    }

    [Fact]
    public async Task Refuses_a_malformed_hello()
    {
        using var listener = Listen();
        var registered = new Counter();
        Task<TransportException?> server = Task.Run(() => Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Run(() => { registered.Add(); return Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength); });
        }), TestContext.Current.CancellationToken);
        using (var raw = new TcpClient())
        {
            raw.Connect(Endpoint(listener));
            raw.GetStream().Write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n......"u8);
            TransportException? error = await server;
            AssertRefused(error, "malformed hello");
        }

        Assert.Equal(0, registered.Value);
    }

    [Fact]
    public async Task Refuses_a_malformed_offer_from_an_authenticated_peer()
    {
        using var listener = Listen();
        Task<TransportException?> server = Task.Run(() => Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Run(() => Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength));
        }), TestContext.Current.CancellationToken);
        using var raw = new TcpClient();
        raw.Connect(Endpoint(listener));
        using (var peer = new ConnectionHandshake(raw.GetStream(), Secret, Timeout, leaveOpen: true))
        {
            peer.Authenticate();
        }

        // An offer header whose body length cannot hold a single queue.
        raw.GetStream().Write("RDMASTK\u0004\u0003\u0007\u0000"u8);
        AssertRefused(await server, "malformed offer");
    }

    [Fact]
    public async Task Refuses_a_handshake_replayed_from_an_earlier_one()
    {
        // Handshake 1 succeeds; every byte the client sent is recorded.
        using var listener = Listen();
        Task first = Task.Run(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Run(() => Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength));
        }, TestContext.Current.CancellationToken);
        var recorded = new MemoryStream();
        using (var raw = new TcpClient())
        {
            raw.Connect(Endpoint(listener));
            using var h = new ConnectionHandshake(new RecordingStream(raw.GetStream(), recorded), Secret, Timeout);
            h.Run(() => Offer(QueueEndpointRole.Writer, 2, ControlBlockDescriptor.Length));
        }

        await first;

        // Handshake 2: a stranger without the secret replays them; the server's fresh nonce exposes it.
        var registered = new Counter();
        Task<TransportException?> second = Task.Run(() => Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Run(() => { registered.Add(); return Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength); });
        }), TestContext.Current.CancellationToken);
        using (var replay = new TcpClient())
        {
            replay.Connect(Endpoint(listener));
            replay.GetStream().Write(recorded.ToArray());
            AssertRefused(await second, "replayed proof");
        }

        Assert.Equal(0, registered.Value);
    }

    [Fact]
    public async Task Refuses_a_reflected_hello()
    {
        using var listener = Listen();
        Task<TransportException?> server = Task.Run(() => Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Run(() => Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength));
        }), TestContext.Current.CancellationToken);
        using var raw = new TcpClient();
        raw.Connect(Endpoint(listener));
        var hello = new byte[ConnectionHandshake.HelloLength];
        await raw.GetStream().ReadExactlyAsync(hello, TestContext.Current.CancellationToken);
        raw.GetStream().Write(hello);
        AssertRefused(await server, "replayed nonce");
    }

    [Fact]
    public async Task Refuses_a_region_too_small_for_the_geometry()
    {
        using var listener = Listen();
        Task<TransportException?> server = Task.Run(() => Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Run(() => Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength - 1));
        }), TestContext.Current.CancellationToken);
        TransportException? error = Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Connect(Endpoint(listener), Secret, Timeout);
            h.Run(() => Offer(QueueEndpointRole.Writer, 2, ControlBlockDescriptor.Length));
        });
        _ = await server;

        AssertRefused(error, "region too small");
        Assert.Contains($"is {Geometry.RingRegionLength - 1} B", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_peer_with_another_geometry()
    {
        using var listener = Listen();
        Task<TransportException?> server = Task.Run(() => Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Run(() => Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength) with { Geometry = new SegmentedQueueGeometry(2, 16, 64) });
        }), TestContext.Current.CancellationToken);
        TransportException? error = Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Connect(Endpoint(listener), Secret, Timeout);
            h.Run(() => Offer(QueueEndpointRole.Writer, 2, ControlBlockDescriptor.Length));
        });

        AssertRefused(error, "geometry differs");
        AssertRefused(await server, "geometry differs");
    }

    [Fact]
    public void Will_not_exchange_before_authenticating()
    {
        using var stream = new MemoryStream();
        using var h = new ConnectionHandshake(stream, Secret, Timeout);
        Assert.Throws<InvalidOperationException>(() => h.Exchange(Offer(QueueEndpointRole.Writer, 1, 64)));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public async Task Routes_a_stream_and_carries_the_lid_and_flags_of_an_infiniband_port()
    {
        ConnectionOffer writerSide = Offer(QueueEndpointRole.Writer, 0x11, ControlBlockDescriptor.Length) with { Lid = 0x1234, Flags = OfferFlags.InfiniBand };
        ConnectionOffer readerSide = Offer(QueueEndpointRole.Reader, 0x22, Geometry.RingRegionLength) with { Lid = 0xBEEF, Flags = OfferFlags.InfiniBand };
        using var listener = Listen();
        Task<(StreamRoute Route, ConnectionOffer Peer)> server = Task.Run(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Authenticate();
            StreamRoute route = h.ReceiveRoute();
            h.AnswerRoute(null);
            return (route, h.Exchange(readerSide));
        }, TestContext.Current.CancellationToken);
        using ConnectionHandshake client = ConnectionHandshake.Connect(Endpoint(listener), Secret, Timeout);
        client.Authenticate();
        client.RequestRoute(new StreamRoute("orders.v2", 3, ProviderKind.Verbs, QueueEndpointRole.Writer));
        ConnectionOffer fromServer = client.Exchange(writerSide);
        (StreamRoute route, ConnectionOffer fromClient) = await server;

        Assert.Equal(new StreamRoute("orders.v2", 3, ProviderKind.Verbs, QueueEndpointRole.Writer), route);
        Assert.Equal((0xBEEF, OfferFlags.InfiniBand), (fromServer.Lid, fromServer.Flags));
        Assert.Equal((0x1234, OfferFlags.InfiniBand), (fromClient.Lid, fromClient.Flags));
    }

    [Fact]
    public async Task Carries_the_listener_port_after_the_lid_in_the_offer()
    {
        ConnectionOffer writerSide = Offer(QueueEndpointRole.Writer, 0x11, ControlBlockDescriptor.Length);
        ConnectionOffer readerSide = Offer(QueueEndpointRole.Reader, 0x22, Geometry.RingRegionLength) with { Lid = 0x0102, ListenerPort = 0xC351 };
        using var listener = Listen();
        Task<ConnectionOffer> server = Task.Run(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            return h.Run(() => writerSide).Peer;
        }, TestContext.Current.CancellationToken);
        var recorded = new MemoryStream();
        using var raw = new TcpClient();
        raw.Connect(Endpoint(listener));
        using (var client = new ConnectionHandshake(new RecordingStream(raw.GetStream(), recorded), Secret, Timeout))
        {
            Assert.Equal(0, client.Run(() => readerSide).Peer.ListenerPort);
        }

        Assert.Equal(0xC351, (await server).ListenerPort);

        // hello, proof, then the offer: header, echo (32), geometry (12), flags (1), GID (16), LID (2), port (2), count (1).
        byte[] sent = recorded.ToArray();
        int body = ConnectionHandshake.HelloLength + ConnectionHandshake.ProofLength + ConnectionHandshake.OfferHeaderLength;
        Assert.Equal(ConnectionHandshake.OfferFixedBodyLength + ConnectionHandshake.QueueEntryLength, BitConverter.ToUInt16(sent, body - 2));
        Assert.Equal<byte>([0x02, 0x01, 0x51, 0xC3, 1], sent.AsSpan(body + ConnectionHandshake.NonceLength + 12 + 1 + ConnectionHandshake.GidLength, 5).ToArray());
    }

    [Fact]
    public async Task Both_sides_derive_one_binding_key_per_handshake_and_never_send_it()
    {
        using var listener = Listen();
        var keys = new List<byte[]>();
        var recorded = new MemoryStream();
        for (int round = 0; round < 2; round++)
        {
            Task<byte[]> server = Task.Run(() =>
            {
                using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
                h.Run(() => Offer(QueueEndpointRole.Reader, 1, Geometry.RingRegionLength));
                return h.DeriveBindingKey();
            }, TestContext.Current.CancellationToken);
            using var raw = new TcpClient();
            raw.Connect(Endpoint(listener));
            using var client = new ConnectionHandshake(new RecordingStream(raw.GetStream(), recorded), Secret, Timeout);
            client.Run(() => Offer(QueueEndpointRole.Writer, 2, ControlBlockDescriptor.Length));
            byte[] key = client.DeriveBindingKey();
            Assert.Equal(key, await server);
            Assert.Equal(32, key.Length);
            keys.Add(key);
        }

        Assert.NotEqual(keys[0], keys[1]);
        Assert.All(keys, key => Assert.Equal(-1, recorded.ToArray().AsSpan().IndexOf(key)));
    }

    [Fact]
    public void Derives_no_binding_key_before_authenticating()
    {
        using var h = new ConnectionHandshake(new MemoryStream(), Secret, Timeout);
        Assert.Throws<InvalidOperationException>(() => h.DeriveBindingKey());
    }

    [Fact]
    public async Task A_refused_route_names_the_reason_on_the_dialling_side()
    {
        using var listener = Listen();
        Task server = Task.Run(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, Timeout);
            h.Authenticate();
            _ = h.ReceiveRoute();
            h.AnswerRoute("no subscription of stream 'x' here");
        }, TestContext.Current.CancellationToken);
        using ConnectionHandshake client = ConnectionHandshake.Connect(Endpoint(listener), Secret, Timeout);
        client.Authenticate();
        TransportException e = Assert.Throws<TransportException>(() => client.RequestRoute(new StreamRoute("x", 0, ProviderKind.SharedMemory, QueueEndpointRole.Writer)));
        await server;
        Assert.Contains("the peer refused the stream: no subscription of stream 'x' here", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_that_sends_one_byte_at_a_time_gets_one_deadline_for_the_whole_handshake()
    {
        using var listener = Listen();
        var deadline = TimeSpan.FromSeconds(1);
        Task<TransportException?> server = Task.Run(() => Record(() =>
        {
            using ConnectionHandshake h = ConnectionHandshake.Accept(listener, Secret, deadline);
            h.Authenticate();
        }), TestContext.Current.CancellationToken);
        using var raw = new TcpClient();
        await raw.ConnectAsync(Endpoint(listener), TestContext.Current.CancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        byte[] hello = new byte[ConnectionHandshake.HelloLength];
        "RDMASTK\u0004"u8.CopyTo(hello);
        hello[8] = 1;
        for (int i = 0; i < hello.Length && !server.IsCompleted; i++)
        {
            raw.GetStream().WriteByte(hello[i]); // a byte every 150 ms: 41 bytes would take 6 s
            await Task.Delay(150, TestContext.Current.CancellationToken);
        }

        TransportException? error = await server;
        Assert.NotNull(error);
        Assert.Contains("the whole handshake may take 1 s", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the handshake held on for {clock.Elapsed}");
    }

    [Fact]
    public void Rejects_a_short_secret() =>
        Assert.Throws<ArgumentException>(() => new ConnectionHandshake(new MemoryStream(), new byte[8], Timeout));

    private static ConnectionOffer Offer(QueueEndpointRole role, byte seed, long regionLength)
    {
        byte[] gid = new byte[16];
        gid[10] = gid[11] = 0xff;
        gid[15] = seed;
        return new ConnectionOffer(Geometry, gid, [new QueueEndpoint(role, 0x100u + seed, 0x200u + seed, 0x7f00_0000_1000UL + seed, 0xabc0u + seed, regionLength)]);
    }

    private static void AssertSame(ConnectionOffer expected, ConnectionOffer actual)
    {
        Assert.Equal(expected.Geometry, actual.Geometry);
        Assert.Equal(expected.Gid.ToArray(), actual.Gid.ToArray());
        Assert.Equal(expected.Queues, actual.Queues);
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static IPEndPoint Endpoint(TcpListener listener) => (IPEndPoint)listener.LocalEndpoint;

    private static TransportException? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (TransportException e)
        {
            return e;
        }
    }

    private static void AssertRefused(TransportException? error, string cause)
    {
        Assert.NotNull(error);
        Assert.IsType<TransportException>(error);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
    }

    private sealed class Counter
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);
    }

    /// <summary>Passes everything through and keeps a copy of what was written.</summary>
    private sealed class RecordingStream(Stream inner, MemoryStream copy) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override bool CanTimeout => inner.CanTimeout;

        public override int ReadTimeout { get => inner.ReadTimeout; set => inner.ReadTimeout = value; }

        public override int WriteTimeout { get => inner.WriteTimeout; set => inner.WriteTimeout = value; }

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            copy.Write(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }
    }
}
