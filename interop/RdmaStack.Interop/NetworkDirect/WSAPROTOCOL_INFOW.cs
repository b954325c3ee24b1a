namespace RdmaStack.Interop.NetworkDirect;

/// <summary>Winsock's <c>WSAPROTOCOL_INFOW</c> (winsock2.h, 628 bytes): one entry of the protocol catalog that
/// WSCEnumProtocols returns. A NetworkDirect provider registers one with the flags and values the SPI names
/// (see <see cref="ws2_32.PFL_NETWORKDIRECT_PROVIDER"/>).</summary>
public unsafe struct WSAPROTOCOL_INFOW
{
    /// <summary>XP1_* service flags.</summary>
    public uint dwServiceFlags1;

    /// <summary>Reserved.</summary>
    public uint dwServiceFlags2;

    /// <summary>Reserved.</summary>
    public uint dwServiceFlags3;

    /// <summary>Reserved.</summary>
    public uint dwServiceFlags4;

    /// <summary>PFL_* provider flags.</summary>
    public uint dwProviderFlags;

    /// <summary>The provider's GUID: the class id passed to its DllGetClassObject, and the key of WSCGetProviderPath.</summary>
    public Guid ProviderId;

    /// <summary>The catalog entry's id.</summary>
    public uint dwCatalogEntryId;

    /// <summary>The protocol chain.</summary>
    public WSAPROTOCOLCHAIN ProtocolChain;

    /// <summary>The protocol version (a NetworkDirect v2 provider: ND_VERSION_2).</summary>
    public int iVersion;

    /// <summary>AF_INET or AF_INET6.</summary>
    public int iAddressFamily;

    /// <summary>Largest address length.</summary>
    public int iMaxSockAddr;

    /// <summary>Smallest address length.</summary>
    public int iMinSockAddr;

    /// <summary>The socket type (-1 for NetworkDirect).</summary>
    public int iSocketType;

    /// <summary>The protocol (0 for NetworkDirect).</summary>
    public int iProtocol;

    /// <summary>Protocol range offset (0 for NetworkDirect).</summary>
    public int iProtocolMaxOffset;

    /// <summary>Byte order.</summary>
    public int iNetworkByteOrder;

    /// <summary>Security scheme.</summary>
    public int iSecurityScheme;

    /// <summary>Largest message size.</summary>
    public uint dwMessageSize;

    /// <summary>Reserved for the provider.</summary>
    public uint dwProviderReserved;

    /// <summary>The protocol's name, NUL-terminated (WSAPROTOCOL_LEN + 1 = 256 characters).</summary>
    public fixed char szProtocol[256];
}
