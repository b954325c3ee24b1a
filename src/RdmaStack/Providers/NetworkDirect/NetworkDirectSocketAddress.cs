using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// IP end points to and from the Winsock address structs NetworkDirect takes (SOCKADDR_IN, SOCKADDR_IN6 with
/// Windows' AF_INET6 = 23, ports and addresses in network byte order), and the SOCKET_ADDRESS_LIST that
/// QueryAddressList fills.
/// </summary>
internal static unsafe class NetworkDirectSocketAddress
{
    /// <summary>Room for either address struct.</summary>
    public const int MaxLength = 28;

    /// <summary>Writes <paramref name="endPoint"/> into <paramref name="buffer"/> (at least <see cref="MaxLength"/> bytes).</summary>
    /// <returns>The size of the struct written.</returns>
    public static int Write(IPEndPoint endPoint, byte* buffer)
    {
        new Span<byte>(buffer, MaxLength).Clear();
        if (endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            var v4 = (SOCKADDR_IN*)buffer;
            v4->sin_family = ws2_32.AF_INET;
            v4->sin_port = BinaryPrimitives.ReverseEndianness((ushort)endPoint.Port);
            endPoint.Address.TryWriteBytes(new Span<byte>(&v4->sin_addr, 4), out _);
            return sizeof(SOCKADDR_IN);
        }

        if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var v6 = (SOCKADDR_IN6*)buffer;
            v6->sin6_family = ws2_32.AF_INET6;
            v6->sin6_port = BinaryPrimitives.ReverseEndianness((ushort)endPoint.Port);
            endPoint.Address.TryWriteBytes(new Span<byte>(v6->sin6_addr, 16), out _);
            v6->sin6_scope_id = (uint)endPoint.Address.ScopeId;
            return sizeof(SOCKADDR_IN6);
        }

        throw new ArgumentException($"NetworkDirect addresses are IPv4 or IPv6, not {endPoint.AddressFamily}.", nameof(endPoint));
    }

    /// <summary>Reads an address struct of <paramref name="length"/> bytes, or null if it is neither family.</summary>
    public static IPEndPoint? Read(SOCKADDR* address, int length)
    {
        if (address == null || length < sizeof(ushort))
        {
            return null;
        }

        if (address->sa_family == ws2_32.AF_INET && length >= sizeof(SOCKADDR_IN))
        {
            var v4 = (SOCKADDR_IN*)address;
            return new IPEndPoint(new IPAddress(new ReadOnlySpan<byte>(&v4->sin_addr, 4)), BinaryPrimitives.ReverseEndianness(v4->sin_port));
        }

        if (address->sa_family == ws2_32.AF_INET6 && length >= sizeof(SOCKADDR_IN6))
        {
            var v6 = (SOCKADDR_IN6*)address;
            return new IPEndPoint(new IPAddress(new ReadOnlySpan<byte>(v6->sin6_addr, 16), v6->sin6_scope_id), BinaryPrimitives.ReverseEndianness(v6->sin6_port));
        }

        return null;
    }

    /// <summary>The addresses of a SOCKET_ADDRESS_LIST (entries of another family are skipped).</summary>
    public static List<IPAddress> ReadList(SOCKET_ADDRESS_LIST* list)
    {
        var addresses = new List<IPAddress>(list->iAddressCount);
        SOCKET_ADDRESS* entry = &list->Address;
        for (int i = 0; i < list->iAddressCount; i++)
        {
            IPEndPoint? endPoint = Read(entry[i].lpSockaddr, entry[i].iSockaddrLength);
            if (endPoint is not null)
            {
                addresses.Add(endPoint.Address);
            }
        }

        return addresses;
    }
}
