using System.Runtime.InteropServices;
using RdmaStack.Failover;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.NetworkDirect.Tests.Loopback;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Tests.Fabric;

namespace RdmaStack.NetworkDirect.Tests.Fabric;

/// <summary>
/// The entry point over the NetworkDirect provider, between two hosts whose network is the loopback NetworkDirect test
/// double: a stream, a failover after an injected fault with the library re-establishing the link, and failures the
/// adapter reports outside the data path turned into a failover on either side.
/// </summary>
public sealed class NetworkDirectFabricTests
{
    [Theory]
    [InlineData(LoopbackCompletionMode.Immediate)]
    [InlineData(LoopbackCompletionMode.Pending)]
    public void Streams_100000_messages_between_two_loopback_adapters_with_every_byte_checked(LoopbackCompletionMode mode)
    {
        var hosts = new FabricHosts(links: 1, mode);
        using (hosts)
        {
            StreamPair s = hosts.Open();
            s.WaitAllLinksUp();
            s.Stream(100_000);

            s.AssertExactlyOnceInOrder();
            Assert.Empty(s.PublicationFailures);
            Assert.Empty(s.SubscriptionFailures);
            LinkConnected writer = Assert.Single(s.PublicationConnections);
            LinkConnected reader = Assert.Single(s.SubscriptionConnections);
            Assert.StartsWith($"NetworkDirect adapter 192.0.2.1 ({LoopbackProviderSource.LibraryName}), link 0 of '", writer.Description, StringComparison.Ordinal);
            Assert.Contains("connected to 192.0.2.2:", writer.Description, StringComparison.Ordinal);
            Assert.StartsWith("NetworkDirect adapter 192.0.2.2 (", reader.Description, StringComparison.Ordinal);
            Assert.Contains("accepted on 192.0.2.2:", reader.Description, StringComparison.Ordinal);
            if (mode == LoopbackCompletionMode.Pending)
            {
                // Registration, the connection request, CompleteConnect went by the OVERLAPPED.
                Assert.True(hosts.Loopback.DeferredCompletions >= 4, $"{hosts.Loopback.DeferredCompletions} deferred");
            }

            AwaitAcknowledgement(s);
        }

        hosts.Loopback.AssertClean();
    }

    [Theory]
    [InlineData(nameof(ndstatus.ND_CONNECTION_ABORTED))]
    [InlineData(nameof(ndstatus.ND_DEVICE_REMOVED))]
    public void Fails_over_mid_stream_and_re_establishes_the_link_losing_and_repeating_nothing(string fault)
    {
        var hosts = new FabricHosts(links: 2);
        using (hosts)
        {
            StreamPair s = hosts.Open();
            s.WaitAllLinksUp();
            int victim = s.Publication.ActiveLink;
            Action strike = fault == nameof(ndstatus.ND_CONNECTION_ABORTED)
                ? () => hosts.AbortConnection(victim)
                : () => hosts.Loopback.RemoveDevice(hosts.DevicesA[victim]);

            s.Stream(50_000, strikeAt: 25_000, strike: strike);

            Assert.Equal(1, s.Publication.Failovers);
            Assert.Equal(1 - victim, s.Publication.ActiveLink);
            LinkFailure failure = s.PublicationFailures[0];
            Assert.Equal(victim, failure.Link);
            Assert.True(failure.Cause is LinkFailureCause.ErrorCompletion or LinkFailureCause.FailedPost or LinkFailureCause.AsyncEvent, failure.ToString());

            // The library dials the link again (for a removed adapter: until it is back) and makes it the standby.
            if (fault == nameof(ndstatus.ND_DEVICE_REMOVED))
            {
                hosts.Loopback.RestoreDevice(hosts.DevicesA[victim]);
            }

            s.PumpUntil(
                () => s.Publication.GetLinkState(victim) == LinkState.Standby
                    && s.PublicationConnections.Any(c => c.Link == victim && c.Generation >= 2)
                    && s.SubscriptionConnections.Any(c => c.Link == victim && c.Generation >= 2),
                "the link back as the standby, on both sides");

            // The re-established link carries the stream when the other one breaks in turn.
            s.Stream(50_000, strikeAt: s.Sent + 25_000, strike: () => hosts.AbortConnection(1 - victim));

            s.AssertExactlyOnceInOrder();
            Assert.Equal(100_000, s.Delivered);
            Assert.Equal(2, s.Publication.Failovers);
            Assert.Equal(victim, s.Publication.ActiveLink);
            AwaitAcknowledgement(s);
        }

        hosts.Loopback.AssertClean();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_removed_adapter_reported_outside_the_data_path_fails_the_stream_over_on_either_side(bool onTheWritersSide)
    {
        var hosts = new FabricHosts(links: 2);
        using (hosts)
        {
            StreamPair s = hosts.Open();
            s.WaitAllLinksUp();
            s.Stream(2_000);
            int victim = s.Publication.ActiveLink;
            LoopbackDevice device = onTheWritersSide ? hosts.DevicesA[victim] : hosts.DevicesB[victim];
            NetworkDirectTransportProvider provider = onTheWritersSide ? hosts.ClientProvider : hosts.ServerProvider;

            // Nobody drives the streams now: only the provider's watch, off the data path, can learn of the removal.
            hosts.Loopback.RemoveDevice(device);
            Assert.True(SpinWait.SpinUntil(() => provider.FailuresReported > 0, TimeSpan.FromSeconds(30)), "the watch reported nothing");
            Assert.Equal(1, provider.FailuresReported);

            // That side's next housekeeping declares it, before any post could meet the removed adapter.
            _ = onTheWritersSide ? s.Publication.DoWork() : s.Subscription.DoWork();
            s.Stream(2_000);
            List<LinkFailure> failures = onTheWritersSide ? s.PublicationFailures : s.SubscriptionFailures;
            LinkFailure first = failures.First(f => f.Link == victim);
            Assert.Equal(LinkFailureCause.AsyncEvent, first.Cause);
            Assert.Contains($"NetworkDirect adapter {device.Address} (", first.Reason, StringComparison.Ordinal);
            Assert.Contains("the adapter was removed (IND2Connector::NotifyDisconnect completed with ND_DEVICE_REMOVED", first.Reason, StringComparison.Ordinal);
            FailoverEvent failover = Assert.Single(s.Failovers, f => f.From >= 0);
            Assert.Equal((victim, 1 - victim), (failover.From, failover.To));
            if (onTheWritersSide)
            {
                Assert.Equal(LinkFailureCause.AsyncEvent, failover.Cause);
            }
            else
            {
                Assert.Equal(1, s.Subscription.FaultsReported);
            }

            hosts.Loopback.RestoreDevice(device);
            s.PumpUntil(
                () => s.Publication.GetLinkState(victim) == LinkState.Standby && s.SubscriptionConnections.Any(c => c.Link == victim && c.Generation >= 2),
                "the link back once its adapter is");
            s.Stream(2_000);
            s.AssertExactlyOnceInOrder();
            AwaitAcknowledgement(s);
        }

        hosts.Loopback.AssertClean();
    }

    /// <summary>The reader acknowledges everything, so that closing the publication does not wait for it (while nobody
    /// drives the subscription) and the fabrics close cleanly.</summary>
    private static void AwaitAcknowledgement(StreamPair s) =>
        s.PumpUntil(() => s.Publication.AcknowledgedPosition == s.Sent, "the reader's acknowledgement of every message");

    [Fact]
    public void Refuses_NetworkDirect_outside_Windows_naming_the_platform()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "on Windows the provider runs (from the Winsock catalog)");
        var e = Assert.Throws<ArgumentException>(() => RdmaStack.Fabric.Connect(new FabricOptions
        {
            Provider = ProviderKind.NetworkDirect,
            Links = [new LinkOptions { Device = "192.0.2.1" }],
        }));
        Assert.Equal(nameof(FabricOptions.Provider), e.ParamName);
        Assert.Contains("ProviderKind.NetworkDirect does not run on this platform", e.Message, StringComparison.Ordinal);
        Assert.Contains($"which only Windows has (this is {RuntimeInformation.OSDescription})", e.Message, StringComparison.Ordinal);
        Assert.IsType<PlatformNotSupportedException>(e.InnerException);
    }

    [Theory]
    [InlineData(null, "got none")]
    [InlineData("mlx5_0", "got 'mlx5_0'")]
    public void Refuses_a_link_that_does_not_name_its_adapter_by_address(string? device, string got)
    {
        using var loopback = new LoopbackFabric();
        var e = Assert.Throws<ArgumentException>(() => RdmaStack.Fabric.Connect(new FabricOptions
        {
            Provider = ProviderKind.NetworkDirect,
            NetworkDirectSource = loopback.Source,
            Links = [new LinkOptions { Device = device }],
        }));
        Assert.Contains("Link 0: the NetworkDirect provider names an adapter by its local IP address (LinkOptions.Device, e.g. 192.168.10.1), " + got, e.Message, StringComparison.Ordinal);
    }
}
