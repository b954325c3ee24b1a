using System.Net;
using RdmaStack.Cli.Commands;
using RdmaStack.Providers.NetworkDirect;

namespace RdmaStack.Tests.Cli;

/// <summary>`rdmastack devices` on Windows: the NetworkDirect adapters as the library lists them (the listing itself
/// runs on Windows only; its provider path is tested through the loopback double in RdmaStack.NetworkDirect.Tests).</summary>
public class DevicesTests
{
    [Fact]
    public void Lists_NetworkDirect_adapters_by_the_addresses_a_link_names_them_with()
    {
        NetworkDirectDeviceInfo[] adapters =
        [
            new("Mellanox NetworkDirect v2", @"C:\Windows\System32\mlx5nd2.dll", 0x2a, [IPAddress.Parse("192.168.10.1"), IPAddress.Parse("fd00::1")])
            {
                VendorId = 0x15b3,
                DeviceId = 0x1017,
                MaxInlineData = 892,
                InlineThreshold = 160,
                MaxQueueDepth = 16384,
                MaxCompletionQueueDepth = 65535,
                MaxConnectPrivateData = 56,
                MaxAcceptPrivateData = 148,
                SupportsLoopbackConnections = true,
            },
            new("Other", @"C:\other.dll", 0, []) { Problem = "the DLL could not be loaded" },
        ];
        var console = new StringWriter();

        Assert.Equal(0, DevicesCommand.WriteNetworkDirect(console, adapters));

        Assert.Equal(
            [
                @"192.168.10.1, fd00::1  adapter 0x2a  provider Mellanox NetworkDirect v2 (C:\Windows\System32\mlx5nd2.dll)",
                "  vendor 0x15b3 device 0x1017  inline 892 B (threshold 160 B)  queue depth 16384  CQ depth 65535  private data 56/148 B  loopback yes",
                @"(no address)  adapter 0x0  provider Other (C:\other.dll)",
                "  not usable: the DLL could not be loaded",
            ],
            console.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Says_where_to_look_when_no_NetworkDirect_provider_is_installed()
    {
        var e = Assert.Throws<TransportException>(() => DevicesCommand.WriteNetworkDirect(new StringWriter(), []));
        Assert.Contains("ndinstall -l", e.Message, StringComparison.Ordinal);
    }
}
