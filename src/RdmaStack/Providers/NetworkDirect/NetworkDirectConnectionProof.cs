using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// The private data of a NetworkDirect connection request and of its acceptance: it binds the RDMA connection to
/// the authenticated handshake on the side channel, so a listener accepts only the peer that took part in that
/// handshake, and the dialler knows it reached that peer's listener.
/// </summary>
/// <remarks>
/// <code>
///  magic "RSND" (4) | version 1 (1) | from: 1 dial, 2 accept (1) | queue index (2, LE) | MAC (32)     40 B
///  MAC = HMAC-SHA256(key, "rdmastack/networkdirect/v1" | from | queue index)
/// </code>
/// The key is a secret of the handshake (derived from the shared secret and both sides' fresh nonces), so a MAC
/// seen on the wire is good for that handshake, that queue and that direction only. 40 bytes fit the smallest
/// private data the SPI's transports carry (InfiniBand's CM request leaves 56 to the application); a provider may
/// pad what it hands over, so only the first 40 bytes are read.
/// </remarks>
internal static class NetworkDirectConnectionProof
{
    /// <summary>Bytes of the private data.</summary>
    public const int Length = 40;

    /// <summary>The shortest key accepted.</summary>
    public const int MinKeyLength = 16;

    private const byte Version = 1;
    private const int MacOffset = 8;

    private static ReadOnlySpan<byte> Magic => "RSND"u8;

    private static ReadOnlySpan<byte> Label => "rdmastack/networkdirect/v1"u8;

    /// <summary>Writes the private data that <paramref name="from"/> sends for queue <paramref name="queueIndex"/>.</summary>
    public static void Write(Span<byte> destination, NetworkDirectConnectionSide from, int queueIndex, ReadOnlySpan<byte> key)
    {
        Magic.CopyTo(destination);
        destination[4] = Version;
        destination[5] = Direction(from);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)queueIndex);
        Mac(key, from, queueIndex, destination.Slice(MacOffset, 32));
    }

    /// <summary>Checks private data that <paramref name="from"/> sent for queue <paramref name="queueIndex"/>.</summary>
    /// <returns>Null if it holds, else what is wrong with it.</returns>
    public static string? Check(ReadOnlySpan<byte> received, NetworkDirectConnectionSide from, int queueIndex, ReadOnlySpan<byte> key)
    {
        if (received.Length < Length)
        {
            return $"{received.Length} B of private data, not the {Length} B of an RdmaStack connection";
        }

        if (!received[..4].SequenceEqual(Magic) || received[4] != Version)
        {
            return "the private data is not an RdmaStack connection proof (another application or version?)";
        }

        if (received[5] != Direction(from) || BinaryPrimitives.ReadUInt16LittleEndian(received[6..]) != (ushort)queueIndex)
        {
            return $"the proof is for queue {BinaryPrimitives.ReadUInt16LittleEndian(received[6..])} from side {received[5]}, not queue {queueIndex} from the {from.ToString().ToLowerInvariant()} side";
        }

        Span<byte> expected = stackalloc byte[32];
        Mac(key, from, queueIndex, expected);
        return CryptographicOperations.FixedTimeEquals(expected, received.Slice(MacOffset, 32))
            ? null
            : "the proof's MAC does not match this handshake (a stranger, or a peer of another handshake)";
    }

    private static byte Direction(NetworkDirectConnectionSide from) => from == NetworkDirectConnectionSide.Dial ? (byte)1 : (byte)2;

    private static void Mac(ReadOnlySpan<byte> key, NetworkDirectConnectionSide from, int queueIndex, Span<byte> mac)
    {
        Span<byte> message = stackalloc byte[Label.Length + 3];
        Label.CopyTo(message);
        message[Label.Length] = Direction(from);
        BinaryPrimitives.WriteUInt16LittleEndian(message[(Label.Length + 1)..], (ushort)queueIndex);
        HMACSHA256.HashData(key, message, mac);
    }
}
