namespace RdmaStack.Interop.NetworkDirect;

/// <summary>Winsock's <c>SOCKET_ADDRESS</c> (ws2def.h, 16 bytes on x64): a pointer to an address and its size.</summary>
public unsafe struct SOCKET_ADDRESS
{
    /// <summary>The address.</summary>
    public SOCKADDR* lpSockaddr;

    /// <summary>Its size in bytes.</summary>
    public int iSockaddrLength;
}
