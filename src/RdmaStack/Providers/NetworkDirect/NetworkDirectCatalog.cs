using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>Which Winsock catalog entries are NetworkDirect v2 providers, as the SPI registers them.</summary>
internal static class NetworkDirectCatalog
{
    /// <summary>The service flags a NetworkDirect provider registers with.</summary>
    public const uint ServiceFlags = ws2_32.XP1_GUARANTEED_DELIVERY | ws2_32.XP1_GUARANTEED_ORDER | ws2_32.XP1_MESSAGE_ORIENTED | ws2_32.XP1_CONNECT_DATA;

    /// <summary>The provider flags a NetworkDirect v2 provider registers with.</summary>
    public const uint ProviderFlags = ws2_32.PFL_HIDDEN | ws2_32.PFL_NETWORKDIRECT_PROVIDER;

    /// <summary>True for the entry of a NetworkDirect v2 provider: the service flags, PFL_HIDDEN and
    /// PFL_NETWORKDIRECT_PROVIDER, version 2, AF_INET or AF_INET6, socket type -1, protocol 0 and protocol offset 0.</summary>
    /// <remarks>The version: the SPI document says "2", Microsoft's own framework (ndutil) compares with
    /// ND_VERSION_2 (0x20000); both are taken, and opening IND2Provider is the final check.</remarks>
    public static bool IsNetworkDirectV2(in WSAPROTOCOL_INFOW entry) =>
        (entry.dwServiceFlags1 & ServiceFlags) == ServiceFlags
        && (entry.dwProviderFlags & ProviderFlags) == ProviderFlags
        && entry.iVersion is nddef.ND_VERSION_2 or 2
        && entry.iAddressFamily is ws2_32.AF_INET or ws2_32.AF_INET6
        && entry.iSocketType == -1
        && entry.iProtocol == 0
        && entry.iProtocolMaxOffset == 0;
}
