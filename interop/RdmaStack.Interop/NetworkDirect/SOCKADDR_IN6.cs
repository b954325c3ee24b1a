namespace RdmaStack.Interop.NetworkDirect;

/// <summary>Winsock's <c>SOCKADDR_IN6</c> (ws2ipdef.h, 28 bytes): an IPv6 address, port and scope.</summary>
public unsafe struct SOCKADDR_IN6
{
    /// <summary><see cref="ws2_32.AF_INET6"/> (23 on Windows).</summary>
    public ushort sin6_family;

    /// <summary>The port, in network byte order.</summary>
    public ushort sin6_port;

    /// <summary>Flow information.</summary>
    public uint sin6_flowinfo;

    /// <summary>The address (IN6_ADDR), in network byte order.</summary>
    public fixed byte sin6_addr[16];

    /// <summary>The scope id (interface index of a link-local address).</summary>
    public uint sin6_scope_id;
}
