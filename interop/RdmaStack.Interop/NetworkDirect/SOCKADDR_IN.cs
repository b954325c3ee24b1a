namespace RdmaStack.Interop.NetworkDirect;

/// <summary>Winsock's <c>SOCKADDR_IN</c> (ws2def.h, 16 bytes): an IPv4 address and port.</summary>
public unsafe struct SOCKADDR_IN
{
    /// <summary><see cref="ws2_32.AF_INET"/>.</summary>
    public ushort sin_family;

    /// <summary>The port, in network byte order.</summary>
    public ushort sin_port;

    /// <summary>The address, in network byte order (IN_ADDR).</summary>
    public uint sin_addr;

    /// <summary>Zero.</summary>
    public fixed byte sin_zero[8];
}
