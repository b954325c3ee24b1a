namespace RdmaStack.Interop.NetworkDirect;

/// <summary>Winsock's <c>SOCKET_ADDRESS_LIST</c> (ws2def.h, 24 bytes on x64 with its one declared entry): a count,
/// then that many <see cref="SOCKET_ADDRESS"/> entries, the first at <see cref="Address"/>; the addresses they
/// point to follow in the same buffer.</summary>
public struct SOCKET_ADDRESS_LIST
{
    /// <summary>Entries in the list.</summary>
    public int iAddressCount;

    /// <summary>The first entry (C's <c>Address[1]</c>); the others follow it.</summary>
    public SOCKET_ADDRESS Address;
}
