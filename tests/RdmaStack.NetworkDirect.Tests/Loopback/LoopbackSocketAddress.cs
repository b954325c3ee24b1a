using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's own reading and writing of Winsock addresses, byte by byte from ws2def.h's layout (family
/// at 0, port big-endian at 2, IPv4 address at 4 or IPv6 address at 8; AF_INET 2, AF_INET6 23), independent of the
/// library's codec so that a mistake there shows here.</summary>
internal static unsafe class LoopbackSocketAddress
{
    public static IPEndPoint? Read(void* address, uint length)
    {
        var bytes = new ReadOnlySpan<byte>(address, (int)length);
        if (length >= 16 && BinaryPrimitives.ReadUInt16LittleEndian(bytes) == 2)
        {
            return new IPEndPoint(new IPAddress(bytes.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]));
        }

        if (length >= 28 && BinaryPrimitives.ReadUInt16LittleEndian(bytes) == 23)
        {
            return new IPEndPoint(new IPAddress(bytes.Slice(8, 16)), BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]));
        }

        return null;
    }

    /// <summary>Size of the struct for <paramref name="endPoint"/>.</summary>
    public static int Size(IPEndPoint endPoint) => endPoint.AddressFamily == AddressFamily.InterNetwork ? 16 : 28;

    public static void Write(IPEndPoint endPoint, void* destination)
    {
        var bytes = new Span<byte>(destination, Size(endPoint));
        bytes.Clear();
        bool v4 = endPoint.AddressFamily == AddressFamily.InterNetwork;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, v4 ? (ushort)2 : (ushort)23);
        BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], (ushort)endPoint.Port);
        endPoint.Address.TryWriteBytes(bytes[(v4 ? 4 : 8)..], out _);
    }
}
