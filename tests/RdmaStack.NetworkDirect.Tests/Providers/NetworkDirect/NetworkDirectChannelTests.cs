using RdmaStack.Interop.NetworkDirect;
using RdmaStack.NetworkDirect.Tests.Loopback;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

public class NetworkDirectChannelTests
{
    private static readonly SegmentedQueueGeometry s_geometry = new(4, 8, 64);

    public static TheoryData<string, bool> WriteFailures => new()
    {
        { nameof(ndstatus.ND_IO_TIMEOUT), false },
        { nameof(ndstatus.ND_CONNECTION_ABORTED), false },
        { nameof(ndstatus.ND_REMOTE_ERROR), false },
        { nameof(ndstatus.ND_DEVICE_REMOVED), false },
        { nameof(ndstatus.ND_IO_TIMEOUT), true },
        { nameof(ndstatus.ND_CONNECTION_ABORTED), true },
        { nameof(ndstatus.ND_REMOTE_ERROR), true },
        { nameof(ndstatus.ND_DEVICE_REMOVED), true },
    };

    [Theory]
    [MemberData(nameof(WriteFailures))]
    public void Turns_a_failed_write_into_a_failed_link_that_names_the_status(string status, bool atPost)
    {
        int code = (int)typeof(ndstatus).GetField(status)!.GetValue(null)!;
        using var hosts = new LoopbackHosts();
        (NetworkDirectQueueEnd writerEnd, NetworkDirectQueueEnd readerEnd) = hosts.ConnectQueue(0, s_geometry);
        using (writerEnd)
        using (readerEnd)
        {
            NetworkDirectChannel channel = writerEnd.Channel;
            Assert.Equal(WriteStatus.Posted, channel.PostWrite(0, 0, 32, signaled: true));
            Assert.Equal(1, channel.PollCompletions());

            LoopbackHosts.QueuePairOf(channel).FailNextWrite(code, atPost);
            if (atPost)
            {
                Assert.Equal(WriteStatus.LinkFailed, channel.PostWrite(0, 0, 32, signaled: false));
            }
            else
            {
                // The post is taken; the failure comes back as the request's result, silent or not.
                Assert.Equal(WriteStatus.Posted, channel.PostWrite(0, 0, 32, signaled: false));
            }

            Assert.Equal(-1, channel.PollCompletions());
            Assert.Equal(WriteStatus.LinkFailed, channel.PostWrite(0, 0, 32, signaled: true));
            Assert.False(channel.IsConnected);
            Assert.Contains($"{status} (0x{code:X8})", channel.Failure, StringComparison.Ordinal);
            Assert.StartsWith("queue 0 slot writes on NetworkDirect adapter 192.0.2.1", channel.Failure, StringComparison.Ordinal);
        }

        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void A_connection_abort_fails_the_link_at_both_ends()
    {
        using var hosts = new LoopbackHosts();
        (NetworkDirectQueueEnd writerEnd, NetworkDirectQueueEnd readerEnd) = hosts.ConnectQueue(0, s_geometry);
        using (writerEnd)
        using (readerEnd)
        {
            hosts.Fabric.AbortConnection(LoopbackHosts.QueuePairOf(writerEnd.Channel));

            // The writer posts into the broken connection: its request fails with the abort.
            Assert.Equal(WriteStatus.Posted, writerEnd.Channel.PostWrite(0, 0, 16, signaled: false));
            Assert.Equal(-1, writerEnd.Channel.PollCompletions());
            Assert.Contains("Write result ND_CONNECTION_ABORTED (0xC0000241)", writerEnd.Channel.Failure, StringComparison.Ordinal);

            // The reader posts nothing: its disconnect notification completes, and its poll says so.
            Assert.Equal(-1, readerEnd.Channel.PollCompletions());
            Assert.Contains("IND2Connector::NotifyDisconnect completed with ND_SUCCESS", readerEnd.Channel.Failure, StringComparison.Ordinal);
        }

        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void A_removed_device_fails_its_link_at_the_post_and_the_peer_times_out()
    {
        using var hosts = new LoopbackHosts();
        (NetworkDirectQueueEnd writerEnd, NetworkDirectQueueEnd readerEnd) = hosts.ConnectQueue(0, s_geometry);
        using (writerEnd)
        using (readerEnd)
        {
            hosts.Fabric.RemoveDevice(hosts.DevicesA[0]);
            Assert.Equal(WriteStatus.LinkFailed, writerEnd.Channel.PostWrite(0, 0, 16, signaled: true));
            Assert.Contains("IND2QueuePair::Write returned ND_DEVICE_REMOVED (0xC00002B6)", writerEnd.Channel.Failure, StringComparison.Ordinal);
            Assert.Equal(-1, writerEnd.Channel.PollCompletions());

            Assert.Equal(WriteStatus.Posted, readerEnd.Channel.PostWrite(0, 0, 8, signaled: false));
            Assert.Equal(-1, readerEnd.Channel.PollCompletions());
            Assert.Contains("Write result ND_IO_TIMEOUT (0xC00000B5)", readerEnd.Channel.Failure, StringComparison.Ordinal);
        }

        // Clean-up still works on the removed device, in order.
        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void The_peer_closing_its_end_fails_the_link_at_the_next_poll()
    {
        using var hosts = new LoopbackHosts();
        (SegmentedQueueWriter writer, SegmentedQueueReader reader) = hosts.Queue(0, s_geometry);
        using (writer)
        {
            Assert.Equal(0, writer.PollCompletions());
            reader.Dispose();
            Assert.Equal(-1, writer.PollCompletions());
            Assert.Contains("the connection went down", ((NetworkDirectChannel)writer.Channel).Failure, StringComparison.Ordinal);
        }

        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void Sends_inline_what_fits_the_threshold_and_silently_what_is_unsignaled()
    {
        using var hosts = new LoopbackHosts(limits: info => info with { MaxInlineDataSize = 64, InlineRequestThreshold = 48 });
        (NetworkDirectQueueEnd writerEnd, NetworkDirectQueueEnd readerEnd) = hosts.ConnectQueue(0, s_geometry);
        using (writerEnd)
        using (readerEnd)
        {
            NetworkDirectChannel channel = writerEnd.Channel;
            Assert.Equal(64, channel.InlineDataSize);
            Assert.Equal(48, channel.InlineThreshold);
            LoopbackQueuePair qp = LoopbackHosts.QueuePairOf(channel);
            Assert.Equal(WriteStatus.Posted, channel.PostWrite(0, 0, 8, signaled: false));
            Assert.Equal(WriteStatus.Posted, channel.PostWrite(0, 0, 48, signaled: false));
            Assert.Equal(WriteStatus.Posted, channel.PostWrite(0, 0, 49, signaled: false));
            Assert.Equal(WriteStatus.Posted, channel.PostWrite(0, 0, 80, signaled: true));
            Assert.Equal((4, 2, 3), (qp.Writes, qp.InlineWrites, qp.SilentWrites));
            Assert.Equal(1, channel.PollCompletions());
            Assert.Equal(WriteStatus.AccessError, channel.PostWrite(0, s_geometry.RingRegionLength - 8, 16, signaled: true));
            Assert.Equal(WriteStatus.AccessError, channel.PostWrite(s_geometry.RingRegionLength, 0, 1, signaled: true));
            Assert.Equal(4, qp.Writes);
            Assert.True(channel.IsConnected);
        }

        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    [Fact]
    public void Writes_and_polls_allocate_nothing()
    {
        using var hosts = new LoopbackHosts();
        (NetworkDirectQueueEnd writerEnd, NetworkDirectQueueEnd readerEnd) = hosts.ConnectQueue(0, s_geometry);
        using (writerEnd)
        using (readerEnd)
        {
            NetworkDirectChannel channel = writerEnd.Channel;
            Cycle(channel, 1_000, out _);
            long before = GC.GetAllocatedBytesForCurrentThread();
            int completions = Cycle(channel, 20_000, out int notPosted);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal((20_000 / 16, 0), (completions, notPosted));
            Assert.Equal(0, allocated);
        }

        hosts.Dispose();
        hosts.Fabric.AssertClean();
    }

    /// <summary>Writes inline (16 B) and by DMA (80 B) alternately, one in 16 signaled, polling after each signaled one.</summary>
    private static int Cycle(NetworkDirectChannel channel, int writes, out int notPosted)
    {
        int completions = 0;
        notPosted = 0;
        for (int i = 1; i <= writes; i++)
        {
            notPosted += channel.PostWrite(0, 0, i % 2 == 0 ? 16 : 80, signaled: i % 16 == 0) == WriteStatus.Posted ? 0 : 1;
            if (i % 16 == 0)
            {
                completions += channel.PollCompletions();
            }
        }

        return completions;
    }
}
