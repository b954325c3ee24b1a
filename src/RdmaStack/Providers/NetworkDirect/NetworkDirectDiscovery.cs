using System.Net;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Transport;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// Finds NetworkDirect adapters as the SPI documents: the providers of the Winsock catalog (WSCEnumProtocols,
/// PFL_NETWORKDIRECT_PROVIDER, WSCGetProviderPath, the library's DllGetClassObject), the local addresses each
/// serves (IND2Provider::QueryAddressList), and the adapter behind an address (ResolveAddress, OpenAdapter).
/// </summary>
/// <remarks>Compiled everywhere, runs on Windows: elsewhere <see cref="DefaultSource"/> throws
/// <see cref="PlatformNotSupportedException"/>. Every method takes the provider source, so tests drive the same
/// path with a source whose DllGetClassObject is an in-process test double.</remarks>
internal static class NetworkDirectDiscovery
{
    /// <summary>The Winsock catalog on Windows.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Windows (the message says so).</exception>
    public static INetworkDirectProviderSource DefaultSource => OperatingSystem.IsWindows()
        ? WindowsNetworkDirectProviderSource.Instance
        : throw NotOnThisPlatform();

    /// <summary>Why NetworkDirect does not run here, naming the platform.</summary>
    public static PlatformNotSupportedException NotOnThisPlatform() => new(
        $"NetworkDirect is the RDMA interface of Windows: its providers are found in the Winsock catalog, which only Windows has (this is {RuntimeInformation.OSDescription}). On Linux, use the verbs provider.");

    /// <summary>Opens the adapter that serves <paramref name="localAddress"/>, from the first provider that lists it.</summary>
    /// <exception cref="TransportException">No provider serves the address (the message lists what each serves),
    /// or opening failed.</exception>
    /// <exception cref="PlatformNotSupportedException">No source was given and this is not Windows.</exception>
    public static NetworkDirectAdapter OpenAdapter(IPAddress localAddress, INetworkDirectProviderSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(localAddress);
        source ??= DefaultSource;
        var seen = new List<string>();
        foreach (NetworkDirectProviderLibrary library in source.LoadProviders())
        {
            if (library.LoadError is not null)
            {
                seen.Add($"{library}: {library.LoadError}");
                continue;
            }

            using NetworkDirectProvider provider = NetworkDirectProvider.Open(library, source);
            IReadOnlyList<IPAddress> addresses = provider.QueryAddressList();
            if (addresses.Contains(localAddress))
            {
                return provider.OpenAdapter(localAddress);
            }

            seen.Add($"{library.Name} serves {(addresses.Count == 0 ? "no address" : string.Join(", ", addresses))}");
        }

        throw new TransportException(
            $"No NetworkDirect provider serves {localAddress} (providers from {source.Description}: {(seen.Count == 0 ? "none installed" : string.Join("; ", seen))}).");
    }

    /// <summary>Every adapter of every provider, with its addresses and limits; a provider or adapter that cannot be
    /// opened is listed with the reason.</summary>
    /// <exception cref="PlatformNotSupportedException">No source was given and this is not Windows.</exception>
    public static IReadOnlyList<NetworkDirectDeviceInfo> ListAdapters(INetworkDirectProviderSource? source = null)
    {
        source ??= DefaultSource;
        var listings = new List<NetworkDirectDeviceInfo>();
        foreach (NetworkDirectProviderLibrary library in source.LoadProviders())
        {
            try
            {
                using NetworkDirectProvider provider = NetworkDirectProvider.Open(library, source);
                var adapters = new List<(ulong Id, List<IPAddress> Addresses)>();
                foreach (IPAddress address in provider.QueryAddressList())
                {
                    ulong id = provider.ResolveAddress(address);
                    int index = adapters.FindIndex(a => a.Id == id);
                    if (index < 0)
                    {
                        adapters.Add((id, [address]));
                    }
                    else
                    {
                        adapters[index].Addresses.Add(address);
                    }
                }

                foreach ((ulong id, List<IPAddress> addresses) in adapters)
                {
                    listings.Add(Describe(provider, id, addresses));
                }
            }
            catch (TransportException e)
            {
                listings.Add(new NetworkDirectDeviceInfo(library.Name, library.Path, 0, []) { Problem = e.Message });
            }
        }

        return listings;
    }

    private static NetworkDirectDeviceInfo Describe(NetworkDirectProvider provider, ulong id, List<IPAddress> addresses)
    {
        var listing = new NetworkDirectDeviceInfo(provider.Library.Name, provider.Library.Path, id, addresses);
        try
        {
            using NetworkDirectAdapter adapter = provider.OpenAdapter(addresses[0]);
            NetworkDirectAdapterInfo info = adapter.Info;
            return listing with
            {
                VendorId = info.VendorId,
                DeviceId = info.DeviceId,
                MaxInlineData = info.MaxInlineDataSize,
                InlineThreshold = info.InlineRequestThreshold,
                MaxQueueDepth = info.MaxInitiatorQueueDepth,
                MaxCompletionQueueDepth = info.MaxCompletionQueueDepth,
                MaxConnectPrivateData = (int)Math.Min(info.MaxCallerData, int.MaxValue),
                MaxAcceptPrivateData = (int)Math.Min(info.MaxCalleeData, int.MaxValue),
                SupportsLoopbackConnections = (info.AdapterFlags & nddef.ND_ADAPTER_FLAG_LOOPBACK_CONNECTIONS_SUPPORTED) != 0,
            };
        }
        catch (TransportException e)
        {
            return listing with { Problem = e.Message };
        }
    }
}
