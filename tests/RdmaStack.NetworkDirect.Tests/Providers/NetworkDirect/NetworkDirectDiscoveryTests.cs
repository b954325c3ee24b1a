using System.Net;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.NetworkDirect.Tests.Loopback;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Transport;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

public class NetworkDirectDiscoveryTests
{
    [Fact]
    public void Opens_the_adapter_that_serves_an_address_and_reads_its_limits()
    {
        using var fabric = new LoopbackFabric();
        fabric.AddDevice("192.0.2.1");
        fabric.AddDevice("192.0.2.2", info => info with { MaxInlineDataSize = 128, InlineRequestThreshold = 96 });
        using (NetworkDirectAdapter adapter = NetworkDirectDiscovery.OpenAdapter(IPAddress.Parse("192.0.2.2"), fabric.Source))
        {
            Assert.Equal(IPAddress.Parse("192.0.2.2"), adapter.Address);
            Assert.Equal(2UL, adapter.Info.AdapterId);
            Assert.Equal(128U, adapter.Info.MaxInlineDataSize);
            Assert.Equal(96U, adapter.Info.InlineRequestThreshold);
            Assert.Equal(56U, adapter.Info.MaxCallerData);
            Assert.Contains(LoopbackProviderSource.LibraryName, adapter.Name, StringComparison.Ordinal);
        }

        fabric.AssertClean();
    }

    [Fact]
    public void Goes_through_the_class_factory_of_a_library_that_hands_out_only_that()
    {
        using var fabric = new LoopbackFabric { ServeClassFactoryOnly = true };
        fabric.AddDevice("192.0.2.1");
        using (NetworkDirectDiscovery.OpenAdapter(IPAddress.Parse("192.0.2.1"), fabric.Source))
        {
        }

        Assert.Contains(fabric.Events, e => e.StartsWith("release ClassFactory#", StringComparison.Ordinal));
        Assert.Contains(fabric.Events, e => e.StartsWith("release Provider#", StringComparison.Ordinal));
        fabric.AssertClean();
    }

    [Fact]
    public void Names_what_each_provider_serves_when_none_serves_the_address()
    {
        using var fabric = new LoopbackFabric();
        fabric.AddDevice("192.0.2.1");
        fabric.AddDevice("2001:db8::7");
        var e = Assert.Throws<TransportException>(() => NetworkDirectDiscovery.OpenAdapter(IPAddress.Parse("192.0.2.99"), fabric.Source));
        Assert.Contains("192.0.2.99", e.Message, StringComparison.Ordinal);
        Assert.Contains("serves 192.0.2.1, 2001:db8::7", e.Message, StringComparison.Ordinal);
        fabric.AssertClean();
    }

    [Fact]
    public void Names_a_provider_library_that_could_not_be_loaded()
    {
        var source = new BrokenSource();
        var e = Assert.Throws<TransportException>(() => NetworkDirectDiscovery.OpenAdapter(IPAddress.Parse("192.0.2.1"), source));
        Assert.Contains("broken (broken.dll): the DLL exports no DllGetClassObject", e.Message, StringComparison.Ordinal);
        NetworkDirectDeviceInfo listing = Assert.Single(NetworkDirectDiscovery.ListAdapters(source));
        Assert.Contains("exports no DllGetClassObject", listing.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_every_adapter_with_its_addresses_and_limits()
    {
        using var fabric = new LoopbackFabric();
        fabric.AddDevice("192.0.2.1");
        fabric.AddDevice("192.0.2.2", info => info with { MaxInitiatorQueueDepth = 512 });
        IReadOnlyList<NetworkDirectDeviceInfo> adapters = NetworkDirectDiscovery.ListAdapters(fabric.Source);
        Assert.Equal(2, adapters.Count);
        Assert.All(adapters, a => Assert.Null(a.Problem));
        Assert.Equal([IPAddress.Parse("192.0.2.1")], adapters[0].Addresses);
        Assert.Equal((1UL, 2UL), (adapters[0].AdapterId, adapters[1].AdapterId));
        Assert.Equal(LoopbackProviderSource.LibraryName, adapters[0].Provider);
        Assert.Equal(512L, adapters[1].MaxQueueDepth);
        Assert.Equal((64L, 64L, 56, 148, 4096L), (adapters[0].MaxInlineData, adapters[0].InlineThreshold, adapters[0].MaxConnectPrivateData, adapters[0].MaxAcceptPrivateData, adapters[0].MaxCompletionQueueDepth));
        Assert.True(adapters[0].SupportsLoopbackConnections);
        fabric.AssertClean();
    }

    [Fact]
    public void Releases_the_adapter_before_the_provider_and_closes_the_overlapped_file_first()
    {
        using var fabric = new LoopbackFabric();
        fabric.AddDevice("192.0.2.1");
        NetworkDirectAdapter adapter = NetworkDirectDiscovery.OpenAdapter(IPAddress.Parse("192.0.2.1"), fabric.Source);
        Assert.Equal(3, fabric.Live); // the provider, the adapter and its overlapped file
        adapter.Dispose();

        IReadOnlyList<string> events = fabric.Events;
        int close = Index(events, "close OverlappedFile#");
        int adapterReleased = Index(events, "release Adapter#");
        int providerReleased = Index(events, "release Provider#");
        Assert.True(close < adapterReleased && adapterReleased < providerReleased, string.Join("\n", events));
        fabric.AssertClean();
    }

    [Fact]
    public void Says_that_NetworkDirect_needs_Windows_on_any_other_system()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "on Windows the Winsock catalog is there to be read");
        var e = Assert.Throws<PlatformNotSupportedException>(() => NetworkDirectDiscovery.OpenAdapter(IPAddress.Loopback));
        Assert.Contains("Winsock catalog, which only Windows has", e.Message, StringComparison.Ordinal);
        Assert.Contains("verbs provider", e.Message, StringComparison.Ordinal);
        var listing = Assert.Throws<PlatformNotSupportedException>(() => NetworkDirectDevice.List());
        Assert.Contains(System.Runtime.InteropServices.RuntimeInformation.OSDescription, listing.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, bool> CatalogEntries => new()
    {
        { "as registered", true },
        { "version 0x20000 (Microsoft's framework)", true },
        { "IPv6", true },
        { "no PFL_NETWORKDIRECT_PROVIDER", false },
        { "not hidden", false },
        { "no XP1_CONNECT_DATA", false },
        { "version 1", false },
        { "a socket type", false },
        { "a protocol", false },
        { "a protocol offset", false },
        { "AF_UNIX", false },
    };

    [Theory]
    [MemberData(nameof(CatalogEntries))]
    public void Keeps_only_catalog_entries_registered_as_NetworkDirect_v2(string entry, bool kept)
    {
        WSAPROTOCOL_INFOW info = default;
        info.dwServiceFlags1 = ws2_32.XP1_GUARANTEED_DELIVERY | ws2_32.XP1_GUARANTEED_ORDER | ws2_32.XP1_MESSAGE_ORIENTED | ws2_32.XP1_CONNECT_DATA;
        info.dwProviderFlags = ws2_32.PFL_HIDDEN | ws2_32.PFL_NETWORKDIRECT_PROVIDER;
        info.iVersion = 2;
        info.iAddressFamily = ws2_32.AF_INET;
        info.iSocketType = -1;
        switch (entry)
        {
            case "version 0x20000 (Microsoft's framework)": info.iVersion = nddef.ND_VERSION_2; break;
            case "IPv6": info.iAddressFamily = ws2_32.AF_INET6; break;
            case "no PFL_NETWORKDIRECT_PROVIDER": info.dwProviderFlags = ws2_32.PFL_HIDDEN; break;
            case "not hidden": info.dwProviderFlags = ws2_32.PFL_NETWORKDIRECT_PROVIDER; break;
            case "no XP1_CONNECT_DATA": info.dwServiceFlags1 &= ~ws2_32.XP1_CONNECT_DATA; break;
            case "version 1": info.iVersion = nddef.ND_VERSION_1; break;
            case "a socket type": info.iSocketType = 1; break;
            case "a protocol": info.iProtocol = 6; break;
            case "a protocol offset": info.iProtocolMaxOffset = 1; break;
            case "AF_UNIX": info.iAddressFamily = 1; break;
        }

        Assert.Equal(kept, NetworkDirectCatalog.IsNetworkDirectV2(info));
    }

    private static int Index(IReadOnlyList<string> events, string prefix)
    {
        for (int i = 0; i < events.Count; i++)
        {
            if (events[i].StartsWith(prefix, StringComparison.Ordinal))
            {
                return i;
            }
        }

        Assert.Fail($"no event starts with '{prefix}':\n{string.Join("\n", events)}");
        return -1;
    }

    private sealed class BrokenSource : INetworkDirectProviderSource
    {
        public string Description => "a test catalog";

        public IReadOnlyList<NetworkDirectProviderLibrary> LoadProviders() =>
            [new NetworkDirectProviderLibrary("broken", "broken.dll", Guid.NewGuid(), "the DLL exports no DllGetClassObject")];

        public int CloseOverlappedFile(nint handle) => 0;
    }
}
