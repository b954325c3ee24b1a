using System.Buffers.Binary;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Fuzz;

/// <summary>
/// The handshake decoder as a stranger reaches it: the accepting side of a whole handshake
/// (<see cref="ConnectionHandshake.RunAcceptingSide"/>) reads hello, proof, route, offer and ready from the input
/// (<see cref="ScriptedPeerStream"/>). A refusal (<see cref="TransportException"/>) is the expected answer to bad bytes;
/// any other exception, or an accepted handshake whose route or offer breaks the rules the decoder promises, is a crash.
/// </summary>
internal static class HandshakeTarget
{
    /// <summary>The secret both sides of the fuzzed handshake hold (the repairs use it).</summary>
    private static readonly byte[] s_secret = "rdmastack fuzz secret, 32 bytes!"u8.ToArray();
    private static readonly SegmentedQueueGeometry s_geometry = new(4, 8, 64);
    private static readonly ConnectionOffer s_local = new(
        s_geometry,
        new byte[ConnectionHandshake.GidLength],
        [new QueueEndpoint(QueueEndpointRole.Reader, 0, 0, 1, 0, s_geometry.RingRegionLength)]);

    /// <returns>What became of the input, for replays.</returns>
    public static string Run(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            return "too short";
        }

        using var peer = new ScriptedPeerStream(s_secret, data[0], data[1], data[2..]);
        StreamRoute route;
        ConnectionOffer offer;
        try
        {
            (route, offer) = ConnectionHandshake.RunAcceptingSide(peer, s_secret, s_local, TimeSpan.FromSeconds(30));
        }
        catch (TransportException e)
        {
            return e.Message; // refused, with the cause named: what a malformed, forged or truncated handshake must get
        }

        Check(route.Stream.Length is > 0 and <= ConnectionHandshake.MaxStreamNameLength, "route: stream name length");
        Check(route.DialerRole is QueueEndpointRole.Writer or QueueEndpointRole.Reader, "route: role");
        Check(offer.Geometry == s_geometry, "offer: geometry differs from ours yet was accepted");
        Check(offer.Gid.Length == ConnectionHandshake.GidLength, "offer: GID length");
        Check(offer.Queues.Count == s_local.Queues.Count, "offer: queue count");
        foreach (QueueEndpoint q in offer.Queues)
        {
            Check(q.Role == QueueEndpointRole.Writer, "offer: both sides readers");
            Check(q.RegionLength >= ControlBlockDescriptor.Length, "offer: control block too small yet accepted");
            Check(q.QueuePairNumber <= 0xFFFFFF && q.PacketSequenceNumber <= 0xFFFFFF, "offer: QP number or PSN over 24 bits");
        }

        return $"accepted: stream '{route.Stream}', link {route.Link}";
    }

    /// <summary>Inputs that reach every message: a whole valid conversation, and a few that stop at each refusal.</summary>
    public static IEnumerable<(string Name, byte[] Data)> Seeds()
    {
        byte[] valid = Conversation(Route(1, 0, "orders"u8), Offer(s_geometry, 1, ControlBlockDescriptor.Length));
        yield return ("valid", [0x0F, 0, .. valid]);
        yield return ("valid-split-reads", [0x0F, 7, .. valid]);
        yield return ("wrong-secret", [0x00, 0, .. valid]);
        yield return ("forged-route", [0x0D, 0, .. valid]);
        yield return ("forged-offer", [0x0B, 0, .. valid]);
        yield return ("forged-ready", [0x07, 0, .. valid]);
        yield return ("truncated-proof", [0x0F, 0, .. valid.AsSpan(0, 60)]);
        yield return ("route-bad-role", [0x0F, 0, .. Conversation(Route(7, 0, "orders"u8), Offer(s_geometry, 1, ControlBlockDescriptor.Length))]);
        yield return ("route-not-utf8", [0x0F, 0, .. Conversation(Route(1, 0, [0xC3, 0x28, 0xFF]), Offer(s_geometry, 1, ControlBlockDescriptor.Length))]);
        yield return ("offer-geometry-differs", [0x0F, 0, .. Conversation(Route(1, 0, "orders"u8), Offer(new SegmentedQueueGeometry(2, 1, 0), 1, ControlBlockDescriptor.Length))]);
        yield return ("offer-region-too-small", [0x0F, 0, .. Conversation(Route(1, 0, "orders"u8), Offer(s_geometry, 1, 8))]);
        yield return ("offer-two-queues", [0x0F, 0, .. Conversation(Route(1, 0, "orders"u8), Offer(s_geometry, 2, ControlBlockDescriptor.Length))]);
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvariantViolationException("handshake accepted a peer that breaks a rule: " + what);
        }
    }

    /// <summary>hello (nonce 0x11...), proof, route, offer, ready; MACs and echoes left zero for the repairs to fill.</summary>
    private static byte[] Conversation(byte[] route, byte[] offer)
    {
        byte[] hello = Header(ConnectionHandshake.HelloType, 32);
        hello.AsSpan(9).Fill(0x11);
        return [.. hello, .. Header(ConnectionHandshake.ProofType, 64), .. route, .. offer, .. Header(ConnectionHandshake.ReadyType, 32)];
    }

    private static byte[] Route(byte role, byte link, ReadOnlySpan<byte> name) =>
        Sealed(ConnectionHandshake.RouteType, [(byte)ProviderKind.SharedMemory, role, link, (byte)name.Length, .. name]);

    private static byte[] Offer(SegmentedQueueGeometry geometry, int queues, long regionLength)
    {
        var body = new byte[ConnectionHandshake.OfferFixedBodyLength + (queues * ConnectionHandshake.QueueEntryLength)];
        int p = ConnectionHandshake.NonceLength;
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(p), geometry.Segments);
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(p + 4), geometry.SlotsPerSegment);
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(p + 8), geometry.SlotPayloadCapacity);
        p += 12 + 1 + ConnectionHandshake.GidLength + 2;
        body[p++] = (byte)queues;
        for (int i = 0; i < queues; i++, p += ConnectionHandshake.QueueEntryLength)
        {
            body[p] = (byte)QueueEndpointRole.Writer;
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(p + 9), 0x1234);
            BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(p + 21), regionLength);
        }

        return Sealed(ConnectionHandshake.OfferType, body);
    }

    private static byte[] Sealed(byte type, byte[] body)
    {
        byte[] message = Header(type, 2 + body.Length + 32);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(ScriptedPeerStream.MagicLength + 1), (ushort)body.Length);
        body.CopyTo(message, ScriptedPeerStream.HeaderLength);
        return message;
    }

    /// <summary>The magic, the type, and <paramref name="rest"/> zero bytes.</summary>
    private static byte[] Header(byte type, int rest)
    {
        var message = new byte[ScriptedPeerStream.MagicLength + 1 + rest];
        ConnectionHandshake.Magic.CopyTo(message);
        message[ScriptedPeerStream.MagicLength] = type;
        return message;
    }
}
