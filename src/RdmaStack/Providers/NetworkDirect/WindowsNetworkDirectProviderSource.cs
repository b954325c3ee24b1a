using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Transport;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// The NetworkDirect providers installed on this Windows host, found the way the SPI documents: WSCEnumProtocols
/// lists the Winsock catalog, the entries registered as NetworkDirect v2 providers are kept
/// (<see cref="NetworkDirectCatalog.IsNetworkDirectV2"/>), WSCGetProviderPath gives each one's DLL (environment
/// variables expanded), which is loaded and its DllGetClassObject taken.
/// </summary>
/// <remarks>The catalog is read once per process; the libraries stay loaded.</remarks>
[SupportedOSPlatform("windows")]
internal sealed unsafe class WindowsNetworkDirectProviderSource : INetworkDirectProviderSource
{
    private const int MaxPath = 260;
    private readonly Lock _gate = new();
    private IReadOnlyList<NetworkDirectProviderLibrary>? _libraries;

    private WindowsNetworkDirectProviderSource()
    {
    }

    /// <summary>The one instance.</summary>
    public static WindowsNetworkDirectProviderSource Instance { get; } = new();

    /// <inheritdoc/>
    public string Description => "the Winsock catalog (WSCEnumProtocols)";

    /// <inheritdoc/>
    public IReadOnlyList<NetworkDirectProviderLibrary> LoadProviders()
    {
        lock (_gate)
        {
            return _libraries ??= ReadCatalog();
        }
    }

    /// <inheritdoc/>
    public int CloseOverlappedFile(nint handle) => kernel32.CloseHandle(handle) != 0 ? 0 : Marshal.GetLastPInvokeError();

    private static List<NetworkDirectProviderLibrary> ReadCatalog()
    {
        uint length = 0;
        int error = 0;
        int count = ws2_32.WSCEnumProtocols(null, null, &length, &error);
        if (count == ws2_32.SOCKET_ERROR && error != ws2_32.WSAENOBUFS)
        {
            throw new TransportException($"NetworkDirect discovery: WSCEnumProtocols failed with Winsock error {error}.");
        }

        var libraries = new List<NetworkDirectProviderLibrary>();
        if (length == 0)
        {
            return libraries;
        }

        var entries = (WSAPROTOCOL_INFOW*)NativeMemory.Alloc(length);
        try
        {
            count = ws2_32.WSCEnumProtocols(null, entries, &length, &error);
            if (count == ws2_32.SOCKET_ERROR)
            {
                throw new TransportException($"NetworkDirect discovery: WSCEnumProtocols failed with Winsock error {error}.");
            }

            for (int i = 0; i < count; i++)
            {
                WSAPROTOCOL_INFOW* entry = &entries[i];
                Guid id = entry->ProviderId;

                // A provider serving IPv4 and IPv6 may have an entry per family; it is one library.
                if (NetworkDirectCatalog.IsNetworkDirectV2(*entry) && !libraries.Exists(l => l.ProviderId == id))
                {
                    libraries.Add(Load(entry));
                }
            }
        }
        finally
        {
            NativeMemory.Free(entries);
        }

        return libraries;
    }

    private static NetworkDirectProviderLibrary Load(WSAPROTOCOL_INFOW* entry)
    {
        var nameChars = new ReadOnlySpan<char>(entry->szProtocol, 256);
        int end = nameChars.IndexOf('\0');
        string name = new(end < 0 ? nameChars : nameChars[..end]);
        Guid id = entry->ProviderId;
        char* path = stackalloc char[MaxPath];
        int pathLength = MaxPath;
        int error = 0;
        if (ws2_32.WSCGetProviderPath(&id, path, &pathLength, &error) != 0)
        {
            return new NetworkDirectProviderLibrary(name, "?", id, $"WSCGetProviderPath failed with Winsock error {error}");
        }

        string expanded = Expand(path);
        if (!NativeLibrary.TryLoad(expanded, out nint library))
        {
            return new NetworkDirectProviderLibrary(name, expanded, id, "the DLL could not be loaded");
        }

        if (!NativeLibrary.TryGetExport(library, "DllGetClassObject", out nint getClassObject))
        {
            return new NetworkDirectProviderLibrary(name, expanded, id, "the DLL exports no DllGetClassObject");
        }

        return new NetworkDirectProviderLibrary(name, expanded, id, (delegate* unmanaged[Stdcall]<Guid*, Guid*, void**, int>)getClassObject);
    }

    private static string Expand(char* path)
    {
        uint needed = kernel32.ExpandEnvironmentStringsW(path, null, 0);
        if (needed == 0)
        {
            return new string(path);
        }

        char* expanded = stackalloc char[(int)needed];
        return kernel32.ExpandEnvironmentStringsW(path, expanded, needed) == needed ? new string(expanded) : new string(path);
    }
}
