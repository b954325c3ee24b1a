using System.Net;
using RdmaStack.Failover;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Queues;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

/// <summary>
/// The same checks as the loopback tests, against the NetworkDirect provider installed on a Windows host: the Winsock
/// catalog, the provider's own DllGetClassObject and adapters, real registrations and connections. They run only on
/// Windows with <c>RDMASTACK_ND_ADDRESSES</c> set to the local address of one adapter (two for the failover),
/// comma-separated; both ends of each queue are on this host, over the adapter's loopback connections.
/// hw-lab/windows/README.md gives the commands.
/// </summary>
public class RealProviderTests
{
    private static readonly IPAddress[] s_addresses =
        [.. (Environment.GetEnvironmentVariable("RDMASTACK_ND_ADDRESSES") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPAddress.Parse)];

    [Fact]
    public void Lists_the_adapters_of_the_installed_providers()
    {
        SkipUnlessAdapters(1);
        IReadOnlyList<NetworkDirectDeviceInfo> adapters = NetworkDirectDevice.List();
        foreach (NetworkDirectDeviceInfo a in adapters)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{a.Provider} ({a.LibraryPath}): adapter 0x{a.AdapterId:X} at {string.Join(", ", a.Addresses)}: " +
                (a.Problem ?? $"vendor 0x{a.VendorId:X4} device 0x{a.DeviceId:X4}, inline {a.MaxInlineData} B (threshold {a.InlineThreshold} B), depth {a.MaxQueueDepth}, private data {a.MaxConnectPrivateData}/{a.MaxAcceptPrivateData} B"));
        }

        Assert.Contains(adapters, a => a.Problem is null && a.Addresses.Contains(s_addresses[0]));
    }

    [Fact]
    public void Streams_100000_messages_over_a_real_adapter()
    {
        SkipUnlessAdapters(1);
        using NetworkDirectAdapter writerSide = NetworkDirectDiscovery.OpenAdapter(s_addresses[0]);
        using NetworkDirectAdapter readerSide = NetworkDirectDiscovery.OpenAdapter(s_addresses[0]);
        SkipUnlessLoopback(writerSide);
        (SegmentedQueueWriter writer, SegmentedQueueReader reader) = QueueConnections.Open(writerSide, readerSide, new SegmentedQueueGeometry(4, 64, StreamCheck.MaxLength));
        using (writer)
        using (reader)
        {
            StreamCheck check = StreamScenarios.Stream(writer, reader);
            Assert.True(check.Delivered == StreamScenarios.Count && check.Lost == 0 && check.Duplicated == 0 && check.Corrupted == 0, check.ToString());
        }
    }

    [Fact]
    public void Fails_over_between_two_real_adapters_when_the_peer_disconnects()
    {
        SkipUnlessAdapters(2);
        var adapters = new NetworkDirectAdapter[4];
        try
        {
            for (int i = 0; i < 4; i++)
            {
                adapters[i] = NetworkDirectDiscovery.OpenAdapter(s_addresses[i / 2]);
                SkipUnlessLoopback(adapters[i]);
            }

            var geometry = new SegmentedQueueGeometry(4, 64, StreamCheck.MaxLength);
            (SegmentedQueueWriter Writer, SegmentedQueueReader Reader) link0 = QueueConnections.Open(adapters[0], adapters[1], geometry);
            (SegmentedQueueWriter Writer, SegmentedQueueReader Reader) link1 = QueueConnections.Open(adapters[2], adapters[3], geometry);
            using var writer = new FailoverWriter([link0.Writer, link1.Writer], StreamScenarios.FailoverOptions);
            using var reader = new FailoverReader([link0.Reader, link1.Reader], StreamScenarios.FailoverOptions);
            StreamCheck check = StreamScenarios.Failover(writer, reader, writerFault: null, readerFault: ((NetworkDirectChannel)link0.Reader.HeadChannel).Disconnect);
            Assert.True(check.Delivered == StreamScenarios.Count && check.Lost == 0 && check.Duplicated == 0 && check.Corrupted == 0, check.ToString());
            Assert.Equal(1, writer.Failovers);
            TestContext.Current.TestOutputHelper?.WriteLine($"link 0 failed: {((NetworkDirectChannel)link0.Writer.Channel).Failure}");
        }
        finally
        {
            foreach (NetworkDirectAdapter adapter in adapters)
            {
                adapter?.Dispose();
            }
        }
    }

    private static void SkipUnlessAdapters(int count)
    {
        Assert.SkipUnless(OperatingSystem.IsWindows(), "needs Windows: NetworkDirect providers are found in the Winsock catalog");
        Assert.SkipWhen(
            s_addresses.Length < count,
            $"needs RDMASTACK_ND_ADDRESSES with {count} local address(es) of NetworkDirect adapters (hw-lab/windows/README.md)");
    }

    private static void SkipUnlessLoopback(NetworkDirectAdapter adapter) =>
        Assert.SkipWhen(
            (adapter.Info.AdapterFlags & nddef.ND_ADAPTER_FLAG_LOOPBACK_CONNECTIONS_SUPPORTED) == 0,
            $"{adapter.Name} does not support loopback connections, which this single-host test needs");
}
