using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using RdmaStack.Queues;

namespace RdmaStack.Transport.Handshake;

/// <summary>
/// Out-of-band connection set-up over a byte stream (TCP): both sides prove they hold the shared secret, and
/// only then register memory and exchange their queue pairs and regions, authenticated with HMAC-SHA256 over
/// the fields and both sides' fresh nonces. A stranger never learns a remote key and makes us register nothing.
/// </summary>
/// <remarks>
/// <para>The protocol is symmetric; each side sends, then reads, each of three messages:</para>
/// <code>
///  hello  : magic "RDMASTK\x04" (8) | type 1 (1) | nonce (32)                                     41 B
///  proof  : magic (8) | type 2 (1) | echo of the peer's nonce (32) | MAC (32)                      73 B
///           MAC = HMAC-SHA256(secret, "rdmastack/proof/v1" | sender nonce | receiver nonce)
///  route  : magic (8) | type 5 (1) | body length (2, LE) | body | MAC (32)       (the dialling side only)
///           body = provider (1) | dialler's role (1) | link (1) | stream name length (1) | stream name (UTF-8)
///  reply  : magic (8) | type 6 (1) | body length (2, LE) | body | MAC (32)       (the accepting side's answer)
///           body = status (1: 0 accepted, 1 refused) | the refusal in words (UTF-8)
///  offer  : magic (8) | type 3 (1) | body length (2, LE) | body | MAC (32)
///           body = echo of the peer's nonce (32) | segments, slots, payload (3 x int32 LE) | flags (1)
///                | GID (16) | LID (2, LE) | listener port (2, LE) | queue count (1)
///                | per queue: role (1) qpn (4) psn (4) address (8) rkey (4) length (8)
///           MAC = HMAC-SHA256(secret, "rdmastack/offer/v1" | sender nonce | receiver nonce | magic..body)
///  ready  : magic (8) | type 4 (1) | MAC (32), MAC over "rdmastack/ready/v1" and the nonces   41 B
///           (optional, <see cref="Confirm"/>: "my side is connected", so neither writes too early)
/// </code>
/// <para>The magic's last byte is the protocol's version: 3 since the checksum flag is negotiated, 4 since the offer
/// carries a listener port (NetworkDirect); a peer of another version is refused at its hello.</para>
/// <para>The route and the reply MACs cover the label, both nonces and the message, like the offer's. One deadline
/// bounds the whole handshake, however the peer spreads its bytes: a peer that sends one byte at a time gets no
/// more time than one that sends nothing.</para>
/// <para>The nonces are 32 random bytes per handshake, so a message recorded from another handshake (or
/// reflected back at its sender) fails the MAC; the echo field lets the refusal say so. Every refusal is a
/// <see cref="TransportException"/> whose message starts "handshake refused:" and names the cause: a wrong
/// secret, a replay, a truncated or malformed message, a geometry that differs, or a region too small.</para>
/// <para>Set-up path only (allocates, blocks); not thread-safe.</para>
/// </remarks>
internal sealed class ConnectionHandshake : IDisposable
{
    /// <summary>Bytes of each side's nonce.</summary>
    public const int NonceLength = 32;

    /// <summary>Bytes of a GID.</summary>
    public const int GidLength = 16;

    /// <summary>The most queues one offer carries.</summary>
    public const int MaxQueues = 16;

    /// <summary>The shortest secret accepted, in bytes.</summary>
    public const int MinSecretLength = 16;

    internal const int HelloLength = MagicLength + 1 + NonceLength;
    internal const int ProofLength = MagicLength + 1 + NonceLength + MacLength;
    internal const int OfferHeaderLength = MagicLength + 1 + 2;
    internal const int OfferFixedBodyLength = NonceLength + 12 + 1 + GidLength + 2 + 2 + 1;
    internal const int QueueEntryLength = 1 + 4 + 4 + 8 + 4 + 8;
    internal const byte HelloType = 1;
    internal const byte ProofType = 2;
    internal const byte OfferType = 3;
    internal const byte ReadyType = 4;
    internal const byte RouteType = 5;
    internal const byte RouteReplyType = 6;
    internal const int ReadyLength = MagicLength + 1 + MacLength;

    /// <summary>The longest stream name a route carries, in UTF-8 bytes.</summary>
    internal const int MaxStreamNameLength = 100;

    /// <summary>The longest refusal text a reply carries, in UTF-8 bytes.</summary>
    internal const int MaxRefusalLength = 500;
    private const int MagicLength = 8;
    private const int MacLength = 32;

    private static readonly byte[] s_magic = "RDMASTK\u0004"u8.ToArray();

    /// <summary>The magic every message starts with ("RDMASTK" and the protocol version; for the fuzz harness's seeds).</summary>
    internal static ReadOnlySpan<byte> Magic => s_magic;
    private static readonly byte[] s_proofLabel = "rdmastack/proof/v1"u8.ToArray();
    private static readonly byte[] s_offerLabel = "rdmastack/offer/v1"u8.ToArray();
    private static readonly byte[] s_readyLabel = "rdmastack/ready/v1"u8.ToArray();
    private static readonly byte[] s_routeLabel = "rdmastack/route/v2"u8.ToArray();
    private static readonly byte[] s_replyLabel = "rdmastack/route-reply/v2"u8.ToArray();
    private static readonly byte[] s_bindingLabel = "rdmastack/binding/v1"u8.ToArray();

    private readonly Stream _stream;
    private readonly byte[] _secret;
    private readonly bool _leaveOpen;
    private readonly byte[] _localNonce = RandomNumberGenerator.GetBytes(NonceLength);
    private readonly byte[] _peerNonce = new byte[NonceLength];
    private readonly long _deadline;
    private bool _authenticated;
    private bool _disposed;

    /// <summary>Starts a handshake over a connected stream.</summary>
    /// <param name="stream">The connection to the peer (reads and writes).</param>
    /// <param name="secret">The shared secret, at least <see cref="MinSecretLength"/> bytes.</param>
    /// <param name="timeout">How long the whole handshake may take, from now (<see cref="System.Threading.Timeout.InfiniteTimeSpan"/>: no limit).</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on <see cref="Dispose"/>.</param>
    /// <exception cref="ArgumentException">The secret is shorter than <see cref="MinSecretLength"/> bytes.</exception>
    public ConnectionHandshake(Stream stream, ReadOnlySpan<byte> secret, TimeSpan timeout, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (secret.Length < MinSecretLength)
        {
            throw new ArgumentException($"The handshake secret must be at least {MinSecretLength} bytes, got {secret.Length}.", nameof(secret));
        }

        _stream = stream;
        _secret = secret.ToArray();
        _leaveOpen = leaveOpen;
        Timeout = timeout;
        _deadline = timeout == System.Threading.Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + ToMilliseconds(timeout);
    }

    /// <summary>How long the whole handshake may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>True once the peer has proved it holds the secret.</summary>
    public bool IsAuthenticated => _authenticated;

    /// <summary>Dials <paramref name="endpoint"/> (retrying while nothing listens there yet) and starts a handshake.</summary>
    /// <param name="endpoint">The listening side.</param>
    /// <param name="secret">The shared secret.</param>
    /// <param name="timeout">How long to keep dialling and, what is left of it, the whole handshake.</param>
    /// <returns>The handshake, not yet authenticated.</returns>
    /// <exception cref="TransportException">No connection within <paramref name="timeout"/>; the message names the endpoint and the last error.</exception>
    public static ConnectionHandshake Connect(IPEndPoint endpoint, ReadOnlySpan<byte> secret, TimeSpan timeout) =>
        Connection.SideChannel.Dial(endpoint, HandshakeSecret.FromBytes(secret), Environment.TickCount64 + ToMilliseconds(timeout), CancellationToken.None);

    /// <summary>Accepts one connection on <paramref name="listener"/> and starts a handshake on it.</summary>
    /// <param name="listener">A started listener.</param>
    /// <param name="secret">The shared secret.</param>
    /// <param name="timeout">How long to wait for the peer to connect, and then each read's limit.</param>
    /// <returns>The handshake, not yet authenticated.</returns>
    /// <exception cref="TransportException">No peer connected within <paramref name="timeout"/>.</exception>
    public static ConnectionHandshake Accept(TcpListener listener, ReadOnlySpan<byte> secret, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(listener);
        Socket socket;
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            socket = listener.AcceptSocketAsync(cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            throw new TransportException($"handshake: no peer connected to {listener.LocalEndpoint} within {timeout.TotalSeconds:0.#} s.");
        }

        socket.NoDelay = true;
        return new ConnectionHandshake(new NetworkStream(socket, ownsSocket: true), secret, timeout);
    }

    /// <summary>Exchanges nonces and proofs of the secret. Nothing about local memory is sent.</summary>
    /// <exception cref="TransportException">The peer is not authenticated (wrong secret, replay, truncated or
    /// malformed message, timeout); the message names the cause.</exception>
    public void Authenticate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_authenticated)
        {
            return;
        }

        var hello = new byte[HelloLength];
        WriteHeader(hello, HelloType);
        _localNonce.CopyTo(hello, MagicLength + 1);
        Send(hello, "hello");
        byte[] peerHello = Receive(HelloLength, "hello");
        CheckHeader(peerHello, HelloType, "hello");
        peerHello.AsSpan(MagicLength + 1, NonceLength).CopyTo(_peerNonce);
        if (_peerNonce.AsSpan().SequenceEqual(_localNonce))
        {
            throw Refused("replayed nonce: the peer's hello carries our own nonce (a reflected message)");
        }

        var proof = new byte[ProofLength];
        WriteHeader(proof, ProofType);
        _peerNonce.CopyTo(proof, MagicLength + 1);
        ComputeMac(ProofType, _localNonce, _peerNonce, []).CopyTo(proof, MagicLength + 1 + NonceLength);
        Send(proof, "proof");
        byte[] peerProof = Receive(ProofLength, "proof");
        CheckHeader(peerProof, ProofType, "proof");
        CheckEcho(peerProof.AsSpan(MagicLength + 1, NonceLength), "proof");
        byte[] expected = ComputeMac(ProofType, _peerNonce, _localNonce, []);
        if (!CryptographicOperations.FixedTimeEquals(expected, peerProof.AsSpan(MagicLength + 1 + NonceLength, MacLength)))
        {
            throw Refused("authentication failed: the peer's proof does not match the shared secret (wrong secret)");
        }

        _authenticated = true;
    }

    /// <summary>Sends <paramref name="local"/> and returns the peer's offer, authenticated and checked against
    /// <paramref name="local"/>'s geometry: same geometry, same number of queues, opposite roles, and every
    /// region large enough (a ring holds the whole geometry and its trailer, a control block its
    /// <see cref="ControlBlockDescriptor.Length"/> bytes).</summary>
    /// <param name="local">This side's GID, geometry and queue ends.</param>
    /// <returns>The peer's offer.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Authenticate"/> has not succeeded.</exception>
    /// <exception cref="TransportException">The peer's offer is refused; the message names the cause.</exception>
    public ConnectionOffer Exchange(ConnectionOffer local)
    {
        ArgumentNullException.ThrowIfNull(local);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_authenticated)
        {
            throw new InvalidOperationException("Authenticate the peer before exchanging offers: a stranger must never learn a remote key.");
        }

        Send(EncodeOffer(local), "offer");
        ConnectionOffer peer = ReceiveOffer();
        Validate(local, peer);
        return peer;
    }

    /// <summary>Tells the peer that this side is connected (for verbs: its queue pairs are in RTS) and waits
    /// until the peer says the same, so that neither side writes before the other can receive.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Authenticate"/> has not succeeded.</exception>
    /// <exception cref="TransportException">The peer closed, timed out, or sent something else.</exception>
    public void Confirm()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_authenticated)
        {
            throw new InvalidOperationException("Authenticate the peer before confirming.");
        }

        var ready = new byte[ReadyLength];
        WriteHeader(ready, ReadyType);
        ComputeMac(ReadyType, _localNonce, _peerNonce, []).CopyTo(ready, MagicLength + 1);
        Send(ready, "ready");
        byte[] peerReady = Receive(ReadyLength, "ready");
        CheckHeader(peerReady, ReadyType, "ready");
        byte[] expected = ComputeMac(ReadyType, _peerNonce, _localNonce, []);
        if (!CryptographicOperations.FixedTimeEquals(expected, peerReady.AsSpan(MagicLength + 1, MacLength)))
        {
            throw Refused("authentication failed: the peer's ready message does not match the shared secret");
        }
    }

    /// <summary>The dialling side asks the acceptor for <paramref name="route"/> and waits for its answer.</summary>
    /// <param name="route">The stream, link, provider and this side's role.</param>
    /// <exception cref="InvalidOperationException"><see cref="Authenticate"/> has not succeeded.</exception>
    /// <exception cref="TransportException">The acceptor refused (the message quotes its reason) or the reply is malformed.</exception>
    public void RequestRoute(StreamRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        RequireAuthenticated("routing");
        byte[] name = Encoding.UTF8.GetBytes(route.Stream);
        if (name.Length is 0 or > MaxStreamNameLength || route.Link is < 0 or > byte.MaxValue)
        {
            throw new ArgumentException($"A stream name has 1 to {MaxStreamNameLength} UTF-8 bytes and a link 0 to 255.", nameof(route));
        }

        var body = new byte[4 + name.Length];
        body[0] = (byte)route.Provider;
        body[1] = (byte)route.DialerRole;
        body[2] = (byte)route.Link;
        body[3] = (byte)name.Length;
        name.CopyTo(body, 4);
        Send(Sealed(RouteType, body), "route");
        ReadOnlySpan<byte> reply = ReceiveSealed(RouteReplyType, "route reply", 1 + MaxRefusalLength);
        if (reply.Length < 1 || reply[0] > 1)
        {
            throw Refused("malformed route reply: its status is neither 0 (accepted) nor 1 (refused)");
        }

        if (reply[0] != 0)
        {
            throw Refused($"the peer refused the stream: {Encoding.UTF8.GetString(reply[1..])}");
        }
    }

    /// <summary>The accepting side reads what the dialling side asks for; answer it with <see cref="AnswerRoute"/>.</summary>
    /// <returns>The route asked for.</returns>
    /// <exception cref="TransportException">The route message is malformed, forged or late.</exception>
    public StreamRoute ReceiveRoute()
    {
        RequireAuthenticated("routing");
        ReadOnlySpan<byte> body = ReceiveSealed(RouteType, "route", 4 + MaxStreamNameLength);
        if (body.Length < 5 || body[3] != body.Length - 4)
        {
            throw Refused(string.Create(CultureInfo.InvariantCulture, $"malformed route: a body of {body.Length} bytes does not hold the stream name it announces"));
        }

        var role = (QueueEndpointRole)body[1];
        if (role is not (QueueEndpointRole.Writer or QueueEndpointRole.Reader))
        {
            throw Refused(string.Create(CultureInfo.InvariantCulture, $"malformed route: role {body[1]} is neither writer (1) nor reader (2)"));
        }

        string stream;
        try
        {
            stream = new UTF8Encoding(false, true).GetString(body[4..]);
        }
        catch (DecoderFallbackException)
        {
            throw Refused("malformed route: the stream name is not UTF-8");
        }

        return new StreamRoute(stream, body[2], (ProviderKind)body[0], role);
    }

    /// <summary>The accepting side's answer to <see cref="ReceiveRoute"/>.</summary>
    /// <param name="refusal">Null to accept; otherwise why not, for the dialling side's error (truncated to
    /// <see cref="MaxRefusalLength"/> bytes).</param>
    public void AnswerRoute(string? refusal)
    {
        RequireAuthenticated("routing");
        byte[] text = refusal is null ? [] : Encoding.UTF8.GetBytes(refusal);
        var body = new byte[1 + Math.Min(text.Length, MaxRefusalLength)];
        body[0] = refusal is null ? (byte)0 : (byte)1;
        text.AsSpan(0, body.Length - 1).CopyTo(body.AsSpan(1));
        Send(Sealed(RouteReplyType, body), "route reply");
    }

    /// <summary>A key both sides derive alike from the shared secret and this handshake's two nonces, for a provider
    /// that binds a connection of its own to this handshake (NetworkDirect's connection private data):
    /// HMAC-SHA256(secret, "rdmastack/binding/v1" | the lower nonce | the higher nonce), the nonces in byte order so
    /// that neither side needs to know which one dialled. It is fresh per handshake and never sent; the label keeps it
    /// apart from every MAC that is.</summary>
    /// <returns>The 32-byte key.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Authenticate"/> has not succeeded.</exception>
    internal byte[] DeriveBindingKey()
    {
        RequireAuthenticated("deriving a key from the handshake");
        return _localNonce.AsSpan().SequenceCompareTo(_peerNonce) < 0
            ? ComputeLabelledMac(_secret, s_bindingLabel, _localNonce, _peerNonce, [])
            : ComputeLabelledMac(_secret, s_bindingLabel, _peerNonce, _localNonce, []);
    }

    /// <summary>The whole handshake: authenticates the peer, only then calls <paramref name="registerLocal"/>
    /// (which registers memory and creates queue pairs), and exchanges offers.</summary>
    /// <param name="registerLocal">Creates this side's offer; called only for an authenticated peer.</param>
    /// <returns>This side's offer (from <paramref name="registerLocal"/>) and the peer's.</returns>
    /// <exception cref="TransportException">The peer is refused; the message names the cause.</exception>
    public (ConnectionOffer Local, ConnectionOffer Peer) Run(Func<ConnectionOffer> registerLocal)
    {
        ArgumentNullException.ThrowIfNull(registerLocal);
        Authenticate();
        ConnectionOffer local = registerLocal();
        return (local, Exchange(local));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(_secret);
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    internal static TransportException Refused(string cause) => new($"handshake refused: {cause}.");

    /// <summary>Runs the accepting side of a whole handshake over <paramref name="stream"/>, as a link's listener and the
    /// stream it routes to do for a dialling stranger: hello and proof, the route (accepted), the offers, and ready.
    /// Every message the accepting side parses from the peer passes through here; the fuzz harness drives it.</summary>
    /// <param name="stream">The peer's bytes in, ours out; left open.</param>
    /// <param name="secret">The shared secret.</param>
    /// <param name="local">This side's offer.</param>
    /// <param name="timeout">The whole handshake's deadline.</param>
    /// <returns>The route the peer asked for and its offer, both checked.</returns>
    /// <exception cref="TransportException">The peer is refused; the message names the cause.</exception>
    internal static (StreamRoute Route, ConnectionOffer Peer) RunAcceptingSide(Stream stream, ReadOnlySpan<byte> secret, ConnectionOffer local, TimeSpan timeout)
    {
        using var handshake = new ConnectionHandshake(stream, secret, timeout, leaveOpen: true);
        handshake.Authenticate();
        StreamRoute route = handshake.ReceiveRoute();
        handshake.AnswerRoute(null);
        ConnectionOffer peer = handshake.Exchange(local);
        handshake.Confirm();
        return (route, peer);
    }

    /// <summary>The MAC a message of <paramref name="type"/> (proof, route, route reply, offer or ready) carries:
    /// HMAC-SHA256 over the type's label, the sender's nonce, the receiver's nonce and <paramref name="content"/> (for
    /// sealed messages, everything before the MAC; empty for proof and ready).</summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="type">The message type.</param>
    /// <param name="senderNonce">The sending side's nonce.</param>
    /// <param name="receiverNonce">The receiving side's nonce.</param>
    /// <param name="content">What the MAC covers besides the label and the nonces.</param>
    /// <returns>The 32-byte MAC.</returns>
    internal static byte[] ComputeMac(ReadOnlySpan<byte> secret, byte type, ReadOnlySpan<byte> senderNonce, ReadOnlySpan<byte> receiverNonce, ReadOnlySpan<byte> content)
    {
        byte[] label = type switch
        {
            ProofType => s_proofLabel,
            OfferType => s_offerLabel,
            ReadyType => s_readyLabel,
            RouteType => s_routeLabel,
            RouteReplyType => s_replyLabel,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Only proof, offer, ready, route and route reply messages carry a MAC."),
        };
        return ComputeLabelledMac(secret, label, senderNonce, receiverNonce, content);
    }

    /// <summary>HMAC-SHA256 over <paramref name="label"/>, the two nonces and <paramref name="content"/>.</summary>
    private static byte[] ComputeLabelledMac(ReadOnlySpan<byte> secret, byte[] label, ReadOnlySpan<byte> senderNonce, ReadOnlySpan<byte> receiverNonce, ReadOnlySpan<byte> content)
    {
        var data = new byte[label.Length + (2 * NonceLength) + content.Length];
        label.CopyTo(data, 0);
        senderNonce.CopyTo(data.AsSpan(label.Length));
        receiverNonce.CopyTo(data.AsSpan(label.Length + NonceLength));
        content.CopyTo(data.AsSpan(label.Length + (2 * NonceLength)));
        return HMACSHA256.HashData(secret, data);
    }

    /// <summary>magic | type | body length (2) | body | MAC over the label, the nonces (ours first) and all before it.</summary>
    private byte[] Sealed(byte type, ReadOnlySpan<byte> body)
    {
        var message = new byte[OfferHeaderLength + body.Length + MacLength];
        WriteHeader(message, type);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(MagicLength + 1), (ushort)body.Length);
        body.CopyTo(message.AsSpan(OfferHeaderLength));
        ComputeMac(type, _localNonce, _peerNonce, message.AsSpan(0, OfferHeaderLength + body.Length)).CopyTo(message, OfferHeaderLength + body.Length);
        return message;
    }

    /// <summary>Reads a <see cref="Sealed"/> message of <paramref name="type"/> with a body of at most
    /// <paramref name="maxBody"/> bytes and checks its MAC (the peer's nonce first).</summary>
    private byte[] ReceiveSealed(byte type, string what, int maxBody)
    {
        byte[] header = Receive(OfferHeaderLength, what);
        CheckHeader(header, type, what);
        int bodyLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(MagicLength + 1));
        if (bodyLength > maxBody)
        {
            throw Refused(string.Create(CultureInfo.InvariantCulture, $"malformed {what}: a body of {bodyLength} bytes is over the {maxBody} allowed"));
        }

        var message = new byte[OfferHeaderLength + bodyLength + MacLength];
        header.CopyTo(message, 0);
        ReceiveInto(message.AsSpan(OfferHeaderLength), what, OfferHeaderLength);
        byte[] expected = ComputeMac(type, _peerNonce, _localNonce, message.AsSpan(0, OfferHeaderLength + bodyLength));
        if (!CryptographicOperations.FixedTimeEquals(expected, message.AsSpan(OfferHeaderLength + bodyLength, MacLength)))
        {
            throw Refused($"authentication failed: the {what}'s MAC does not match (altered in transit, replayed, or a wrong secret)");
        }

        return message.AsSpan(OfferHeaderLength, bodyLength).ToArray();
    }

    private void RequireAuthenticated(string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_authenticated)
        {
            throw new InvalidOperationException($"Authenticate the peer before {what}: a stranger must learn nothing.");
        }
    }

    private static void Validate(ConnectionOffer local, ConnectionOffer peer)
    {
        if (peer.Geometry != local.Geometry)
        {
            throw Refused($"geometry differs: the peer has {peer.Geometry}, this side {local.Geometry}");
        }

        if ((peer.Flags & ~OfferFlags.Negotiated) != (local.Flags & ~OfferFlags.Negotiated))
        {
            throw Refused(string.Create(CultureInfo.InvariantCulture, $"the queue settings differ: the peer's flags are 0x{peer.Flags:x2}, this side's 0x{local.Flags:x2}"));
        }

        if (peer.Queues.Count != local.Queues.Count)
        {
            throw Refused(string.Create(CultureInfo.InvariantCulture, $"the peer offers {peer.Queues.Count} queue(s), this side {local.Queues.Count}"));
        }

        for (int i = 0; i < peer.Queues.Count; i++)
        {
            QueueEndpoint q = peer.Queues[i];
            if (q.Role == local.Queues[i].Role)
            {
                throw Refused(string.Create(CultureInfo.InvariantCulture, $"queue {i}: both sides are the {q.Role.ToString().ToLowerInvariant()}"));
            }

            (long needed, string what) = q.Role == QueueEndpointRole.Reader
                ? (peer.Geometry.RingRegionLength, "ring")
                : ((long)ControlBlockDescriptor.Length, "control block");
            if (q.RegionLength < needed)
            {
                throw Refused(string.Create(
                    CultureInfo.InvariantCulture,
                    $"region too small: the peer's {what} for queue {i} is {q.RegionLength} B, the geometry ({peer.Geometry}) needs {needed} B"));
            }
        }
    }

    private static void WriteHeader(Span<byte> message, byte type)
    {
        s_magic.CopyTo(message);
        message[MagicLength] = type;
    }

    private static string Name(byte type) => type switch
    {
        HelloType => "hello",
        ProofType => "proof",
        OfferType => "offer",
        ReadyType => "ready",
        RouteType => "route",
        RouteReplyType => "route reply",
        _ => "type " + type.ToString(CultureInfo.InvariantCulture),
    };

    private static void CheckHeader(ReadOnlySpan<byte> message, byte type, string what)
    {
        if (!message[..MagicLength].SequenceEqual(s_magic))
        {
            throw Refused($"malformed {what}: it does not start with the RdmaStack handshake magic (another protocol or version?)");
        }

        if (message[MagicLength] != type)
        {
            throw Refused($"malformed {what}: expected a {Name(type)} message, got {Name(message[MagicLength])}");
        }
    }

    private static int ToMilliseconds(TimeSpan timeout) =>
        timeout == System.Threading.Timeout.InfiniteTimeSpan ? System.Threading.Timeout.Infinite : (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);

    private byte[] EncodeOffer(ConnectionOffer offer)
    {
        if (offer.Gid.Length != GidLength)
        {
            throw new ArgumentException($"A GID has {GidLength} bytes, got {offer.Gid.Length}.", nameof(offer));
        }

        if (offer.Queues.Count is < 1 or > MaxQueues)
        {
            throw new ArgumentException($"An offer carries 1 to {MaxQueues} queues, got {offer.Queues.Count}.", nameof(offer));
        }

        int bodyLength = OfferFixedBodyLength + (offer.Queues.Count * QueueEntryLength);
        var message = new byte[OfferHeaderLength + bodyLength + MacLength];
        WriteHeader(message, OfferType);
        Span<byte> m = message;
        BinaryPrimitives.WriteUInt16LittleEndian(m[(MagicLength + 1)..], (ushort)bodyLength);
        Span<byte> body = m.Slice(OfferHeaderLength, bodyLength);
        _peerNonce.CopyTo(body);
        int p = NonceLength;
        BinaryPrimitives.WriteInt32LittleEndian(body[p..], offer.Geometry.Segments);
        BinaryPrimitives.WriteInt32LittleEndian(body[(p + 4)..], offer.Geometry.SlotsPerSegment);
        BinaryPrimitives.WriteInt32LittleEndian(body[(p + 8)..], offer.Geometry.SlotPayloadCapacity);
        p += 12;
        body[p++] = offer.Flags;
        offer.Gid.Span.CopyTo(body[p..]);
        p += GidLength;
        BinaryPrimitives.WriteUInt16LittleEndian(body[p..], offer.Lid);
        p += 2;
        BinaryPrimitives.WriteUInt16LittleEndian(body[p..], offer.ListenerPort);
        p += 2;
        body[p++] = (byte)offer.Queues.Count;
        foreach (QueueEndpoint q in offer.Queues)
        {
            Span<byte> e = body.Slice(p, QueueEntryLength);
            e[0] = (byte)q.Role;
            BinaryPrimitives.WriteUInt32LittleEndian(e[1..], q.QueuePairNumber);
            BinaryPrimitives.WriteUInt32LittleEndian(e[5..], q.PacketSequenceNumber);
            BinaryPrimitives.WriteUInt64LittleEndian(e[9..], q.RegionAddress);
            BinaryPrimitives.WriteUInt32LittleEndian(e[17..], q.RegionKey);
            BinaryPrimitives.WriteInt64LittleEndian(e[21..], q.RegionLength);
            p += QueueEntryLength;
        }

        ComputeMac(OfferType, _localNonce, _peerNonce, m[..(OfferHeaderLength + bodyLength)]).CopyTo(m[(OfferHeaderLength + bodyLength)..]);
        return message;
    }

    private byte[] ComputeMac(byte type, byte[] senderNonce, byte[] receiverNonce, ReadOnlySpan<byte> content) =>
        ComputeMac(_secret, type, senderNonce, receiverNonce, content);

    private void CheckEcho(ReadOnlySpan<byte> echo, string what)
    {
        if (!echo.SequenceEqual(_localNonce))
        {
            throw Refused($"replayed {what}: it answers a nonce from another handshake, not this one's");
        }
    }

    private void Send(byte[] message, string what)
    {
        try
        {
            if (_stream.CanTimeout)
            {
                _stream.WriteTimeout = RemainingMilliseconds(what, 0, 0);
            }

            _stream.Write(message);
            _stream.Flush();
        }
        catch (IOException e)
        {
            throw new TransportException($"handshake: sending our {what} failed: {e.Message}", e);
        }
    }

    private byte[] Receive(int length, string what)
    {
        var buffer = new byte[length];
        ReceiveInto(buffer, what, 0);
        return buffer;
    }

    private void ReceiveInto(Span<byte> buffer, string what, int alreadyRead)
    {
        int read = 0;
        try
        {
            while (read < buffer.Length)
            {
                if (_stream.CanTimeout)
                {
                    _stream.ReadTimeout = RemainingMilliseconds(what, alreadyRead + read, alreadyRead + buffer.Length);
                }

                int n = _stream.Read(buffer[read..]);
                if (n == 0)
                {
                    throw Refused(string.Create(
                        CultureInfo.InvariantCulture,
                        $"truncated {what}: the peer closed the connection after {alreadyRead + read} of {alreadyRead + buffer.Length} bytes"));
                }

                read += n;
            }
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            throw TimedOut(what, alreadyRead + read, alreadyRead + buffer.Length, e);
        }
        catch (IOException e)
        {
            throw new TransportException($"handshake: reading the peer's {what} failed: {e.Message}", e);
        }
    }

    /// <summary>What is left of the handshake's deadline, for the next read or write; throws once it has passed.</summary>
    private int RemainingMilliseconds(string what, int arrived, int expected)
    {
        if (_deadline == long.MaxValue)
        {
            return System.Threading.Timeout.Infinite;
        }

        long left = _deadline - Environment.TickCount64;
        return left > 0 ? (int)Math.Min(left, int.MaxValue) : throw TimedOut(what, arrived, expected, null);
    }

    private TransportException TimedOut(string what, int arrived, int expected, Exception? inner)
    {
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"handshake: timed out: the whole handshake may take {Timeout.TotalSeconds:0.#} s, and it was still waiting for the peer's {what} ({arrived} of {expected} bytes arrived)");
        return inner is null ? new TransportException(message) : new TransportException(message, inner);
    }

    private ConnectionOffer ReceiveOffer()
    {
        byte[] header = Receive(OfferHeaderLength, "offer");
        CheckHeader(header, OfferType, "offer");
        int bodyLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(MagicLength + 1));
        int entries = (bodyLength - OfferFixedBodyLength) / QueueEntryLength;
        if (bodyLength < OfferFixedBodyLength + QueueEntryLength || bodyLength > OfferFixedBodyLength + (MaxQueues * QueueEntryLength)
            || (bodyLength - OfferFixedBodyLength) % QueueEntryLength != 0)
        {
            throw Refused(string.Create(CultureInfo.InvariantCulture, $"malformed offer: a body of {bodyLength} bytes is not {OfferFixedBodyLength} + 1 to {MaxQueues} queues x {QueueEntryLength}"));
        }

        var message = new byte[OfferHeaderLength + bodyLength + MacLength];
        header.CopyTo(message, 0);
        ReceiveInto(message.AsSpan(OfferHeaderLength), "offer", OfferHeaderLength);
        ReadOnlySpan<byte> body = message.AsSpan(OfferHeaderLength, bodyLength);
        CheckEcho(body[..NonceLength], "offer");
        byte[] expected = ComputeMac(OfferType, _peerNonce, _localNonce, message.AsSpan(0, OfferHeaderLength + bodyLength));
        if (!CryptographicOperations.FixedTimeEquals(expected, message.AsSpan(OfferHeaderLength + bodyLength, MacLength)))
        {
            throw Refused("authentication failed: the offer's MAC does not match (altered in transit, or a wrong secret)");
        }

        return DecodeBody(body, entries);
    }

    private static ConnectionOffer DecodeBody(ReadOnlySpan<byte> body, int entries)
    {
        int p = NonceLength;
        int segments = BinaryPrimitives.ReadInt32LittleEndian(body[p..]);
        int slots = BinaryPrimitives.ReadInt32LittleEndian(body[(p + 4)..]);
        int payload = BinaryPrimitives.ReadInt32LittleEndian(body[(p + 8)..]);
        p += 12;
        byte flags = body[p++];
        SegmentedQueueGeometry geometry;
        try
        {
            geometry = new SegmentedQueueGeometry(segments, slots, payload);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Refused($"malformed offer: its geometry is invalid ({e.Message})");
        }

        byte[] gid = body.Slice(p, GidLength).ToArray();
        p += GidLength;
        ushort lid = BinaryPrimitives.ReadUInt16LittleEndian(body[p..]);
        p += 2;
        ushort listenerPort = BinaryPrimitives.ReadUInt16LittleEndian(body[p..]);
        p += 2;
        if (body[p] != entries)
        {
            throw Refused(string.Create(CultureInfo.InvariantCulture, $"malformed offer: it counts {body[p]} queues but carries {entries}"));
        }

        p++;
        var queues = new QueueEndpoint[entries];
        for (int i = 0; i < entries; i++, p += QueueEntryLength)
        {
            ReadOnlySpan<byte> e = body.Slice(p, QueueEntryLength);
            var role = (QueueEndpointRole)e[0];
            if (role is not (QueueEndpointRole.Writer or QueueEndpointRole.Reader))
            {
                throw Refused(string.Create(CultureInfo.InvariantCulture, $"malformed offer: queue {i} has role {e[0]}, neither writer (1) nor reader (2)"));
            }

            uint qpn = BinaryPrimitives.ReadUInt32LittleEndian(e[1..]);
            uint psn = BinaryPrimitives.ReadUInt32LittleEndian(e[5..]);
            if (qpn > 0xFFFFFF || psn > 0xFFFFFF)
            {
                throw Refused(string.Create(CultureInfo.InvariantCulture, $"malformed offer: queue {i} has a QP number or PSN wider than 24 bits"));
            }

            long length = BinaryPrimitives.ReadInt64LittleEndian(e[21..]);
            if (length < 0)
            {
                throw Refused(string.Create(CultureInfo.InvariantCulture, $"malformed offer: queue {i} has a negative region length"));
            }

            queues[i] = new QueueEndpoint(role, qpn, psn, BinaryPrimitives.ReadUInt64LittleEndian(e[9..]), BinaryPrimitives.ReadUInt32LittleEndian(e[17..]), length);
        }

        return new ConnectionOffer(geometry, gid, queues) { Lid = lid, ListenerPort = listenerPort, Flags = flags };
    }
}
