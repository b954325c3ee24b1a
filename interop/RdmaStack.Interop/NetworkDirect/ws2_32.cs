using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary>The Winsock catalog calls (ws2spi.h, ws2_32.dll) that find NetworkDirect providers, and the constants
/// they are read with (Windows values: <see cref="AF_INET6"/> is 23 there, not Linux's 10).</summary>
public static unsafe partial class ws2_32
{
    /// <summary>IPv4.</summary>
    public const ushort AF_INET = 2;

    /// <summary>IPv6 (Windows).</summary>
    public const ushort AF_INET6 = 23;

    /// <summary>The failure return of Winsock calls.</summary>
    public const int SOCKET_ERROR = -1;

    /// <summary>The buffer was too small (the needed size was written back).</summary>
    public const int WSAENOBUFS = 10055;

    /// <summary>Service flag: delivery is guaranteed.</summary>
    public const uint XP1_GUARANTEED_DELIVERY = 0x00000002;

    /// <summary>Service flag: order is kept.</summary>
    public const uint XP1_GUARANTEED_ORDER = 0x00000004;

    /// <summary>Service flag: message boundaries are kept.</summary>
    public const uint XP1_MESSAGE_ORIENTED = 0x00000008;

    /// <summary>Service flag: connect data is supported.</summary>
    public const uint XP1_CONNECT_DATA = 0x00000080;

    /// <summary>Provider flag: WSAEnumProtocols does not list the entry.</summary>
    public const uint PFL_HIDDEN = 0x00000004;

    /// <summary>Provider flag: the entry is a NetworkDirect provider.</summary>
    public const uint PFL_NETWORKDIRECT_PROVIDER = 0x00000010;

    /// <summary>Every installed protocol's catalog entry, hidden ones included.</summary>
    /// <param name="lpiProtocols">Protocols to list, 0-terminated; null for all.</param>
    /// <param name="lpProtocolBuffer">Filled with the entries.</param>
    /// <param name="lpdwBufferLength">In: its size; out: the size needed.</param>
    /// <param name="lpErrno">The Winsock error when the call fails.</param>
    /// <returns>The number of entries, or <see cref="SOCKET_ERROR"/>.</returns>
    [SupportedOSPlatform("windows")]
    [LibraryImport("ws2_32.dll")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvStdcall)])]
    public static partial int WSCEnumProtocols(int* lpiProtocols, WSAPROTOCOL_INFOW* lpProtocolBuffer, uint* lpdwBufferLength, int* lpErrno);

    /// <summary>The path of a provider's DLL (it may contain environment variables such as %SystemRoot%).</summary>
    /// <param name="lpProviderId">The provider's GUID.</param>
    /// <param name="lpszProviderDllPath">Receives the path (MAX_PATH characters).</param>
    /// <param name="lpProviderDllPathLen">In: room in characters; out: the path's length.</param>
    /// <param name="lpErrno">The Winsock error when the call fails.</param>
    /// <returns>0, or <see cref="SOCKET_ERROR"/>.</returns>
    [SupportedOSPlatform("windows")]
    [LibraryImport("ws2_32.dll")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvStdcall)])]
    public static partial int WSCGetProviderPath(Guid* lpProviderId, char* lpszProviderDllPath, int* lpProviderDllPathLen, int* lpErrno);
}
