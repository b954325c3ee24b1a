using RdmaStack.Failover;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.NetworkDirect.Tests.Loopback;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Queues;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

public class NetworkDirectFailoverTests
{
    private const string PeerDisconnect = "the peer's Disconnect";

    [Theory]
    [InlineData(nameof(ndstatus.ND_CONNECTION_ABORTED))]
    [InlineData(nameof(ndstatus.ND_DEVICE_REMOVED))]
    [InlineData(PeerDisconnect)]
    public void Fails_over_between_two_loopback_adapters_mid_stream_losing_and_repeating_nothing(string fault)
    {
        using var hosts = new LoopbackHosts(links: 2);
        var geometry = new SegmentedQueueGeometry(4, 64, StreamCheck.MaxLength);
        (SegmentedQueueWriter Writer, SegmentedQueueReader Reader) link0 = hosts.Queue(0, geometry);
        (SegmentedQueueWriter Writer, SegmentedQueueReader Reader) link1 = hosts.Queue(1, geometry);
        var channel0 = (NetworkDirectChannel)link0.Writer.Channel;
        var failures = new List<LinkFailure>();
        using (var writer = new FailoverWriter([link0.Writer, link1.Writer], StreamScenarios.FailoverOptions))
        using (var reader = new FailoverReader([link0.Reader, link1.Reader], StreamScenarios.FailoverOptions))
        {
            writer.LinkFailed += (_, e) => failures.Add(e);
            Action? onWriter = fault switch
            {
                nameof(ndstatus.ND_CONNECTION_ABORTED) => () => hosts.Fabric.AbortConnection(LoopbackHosts.QueuePairOf(channel0)),
                nameof(ndstatus.ND_DEVICE_REMOVED) => () => hosts.Fabric.RemoveDevice(hosts.DevicesA[0]),
                _ => null,
            };

            // The reader's host closes its end of link 0 (IND2Connector::Disconnect) on the reader's own thread.
            Action? onReader = fault == PeerDisconnect ? ((NetworkDirectChannel)link0.Reader.HeadChannel).Disconnect : null;
            StreamCheck check = StreamScenarios.Failover(writer, reader, onWriter, onReader);

            Assert.True(check.Delivered == StreamScenarios.Count && check.Lost == 0 && check.Duplicated == 0 && check.Corrupted == 0, check.ToString());
            Assert.Equal(1, writer.Failovers);
            Assert.Equal(LinkState.Failed, writer.GetLinkState(0));
            Assert.Equal((1, 1), (writer.ActiveLink, reader.ActiveLink));
            Assert.Equal(0, Assert.Single(failures).Link);
            Assert.Contains(fault == PeerDisconnect ? "ND_" : fault, channel0.Failure, StringComparison.Ordinal);
        }

        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }
}
