namespace RdmaStack.Interop.NetworkDirect;

/// <summary>Winsock's generic <c>SOCKADDR</c> (ws2def.h, 16 bytes): the family says which of
/// <see cref="SOCKADDR_IN"/> or <see cref="SOCKADDR_IN6"/> it really is.</summary>
public unsafe struct SOCKADDR
{
    /// <summary><see cref="ws2_32.AF_INET"/> or <see cref="ws2_32.AF_INET6"/> (Windows values).</summary>
    public ushort sa_family;

    /// <summary>The family's address bytes.</summary>
    public fixed byte sa_data[14];
}
