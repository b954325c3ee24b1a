using RdmaStack.NetworkDirect.Tests.Loopback;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Queues;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

public class NetworkDirectStreamTests
{
    [Fact]
    public void Streams_a_segmented_queue_of_100000_messages_with_every_byte_checked()
    {
        using var hosts = new LoopbackHosts();
        var geometry = new SegmentedQueueGeometry(4, 64, StreamCheck.MaxLength);
        (SegmentedQueueWriter writer, SegmentedQueueReader reader) = hosts.Queue(0, geometry);
        using (writer)
        using (reader)
        {
            StreamCheck check = StreamScenarios.Stream(writer, reader);
            Assert.True(check.Delivered == StreamScenarios.Count && check.Lost == 0 && check.Duplicated == 0 && check.Corrupted == 0, check.ToString());
            Assert.Equal(0, reader.Counters.CorruptSlots);

            // Both write paths ran: inline (slots of up to 48 B of payload, the head) and from registered memory.
            LoopbackQueuePair slots = LoopbackHosts.QueuePairOf((NetworkDirectChannel)writer.Channel);
            Assert.InRange(slots.InlineWrites, 1, slots.Writes - 1);
            Assert.InRange(slots.SilentWrites, 1, slots.Writes - 1);
        }

        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }
}
