using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Tests.Queues;

/// <summary>The integrity check is the provider's: a CRC where writes can tear, the store-order marker where
/// they cannot, and a writer and reader that disagree never deliver a slot.</summary>
public class SlotIntegrityTests
{
    [Fact]
    public void Shared_memory_writes_slots_in_place_with_the_store_order_marker()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 4, 32));
        Assert.False(q.Writer.ChecksumsSlots);
        Assert.False(q.Reader.ChecksumsSlots);
        Assert.True(q.Writer.WritesInPlace);
        Assert.Equal(1, q.Writer.Offer(QueueHarness.Message(1, 32)));
        Assert.Equal(SlotDescriptor.StoreOrderMarker, BitConverter.ToUInt32(q.Slot(0)[SlotDescriptor.ChecksumOffset..]));
    }

    [Fact]
    public void A_channel_whose_writes_can_tear_gets_a_crc_on_every_slot()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 4, 32), checksums: true);
        Assert.True(q.Writer.ChecksumsSlots);
        Assert.True(q.Reader.ChecksumsSlots);
        Assert.False(q.Writer.WritesInPlace);
        byte[] message = QueueHarness.Message(1, 32);
        Assert.Equal(1, q.Writer.Offer(message));
        Assert.Equal(SlotDescriptor.ComputeChecksum(1, message), BitConverter.ToUInt32(q.Slot(0)[SlotDescriptor.ChecksumOffset..]));
    }

    [Fact]
    public void Contract_default_is_that_writes_can_tear()
    {
        IRemoteWriteChannel channel = new MinimalChannel();
        Assert.True(channel.WritesCanTear);
    }

    [Fact]
    public void A_posting_writer_mirrors_every_slot_the_reader_got()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 3, 40), checksums: true);
        var collector = new Collector();
        Assert.False(q.Writer.WritesInPlace);
        for (int i = 1; i <= 6; i++)
        {
            Assert.Equal(i, q.Writer.Offer(QueueHarness.Message(i, 8 + i)));
        }

        for (int i = 0; i < 6; i++)
        {
            int bytes = SlotDescriptor.HeaderLength + 8 + i + 1;
            Assert.Equal(q.Slot(i)[..bytes].ToArray(), q.MirrorSlot(i)[..bytes].ToArray());
        }

        Assert.Equal(6, q.Reader.Poll(collector.Handler));
    }

    [Fact]
    public void An_in_place_writer_copies_nothing_into_its_mirror()
    {
        // The reader's ring is failover's copy in place (SegmentedQueueWriter's remarks): neither a single commit nor a
        // batch writes the mirror, which stays as allocated.
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 3, 40), checksums: false);
        var collector = new Collector();
        Assert.True(q.Writer.WritesInPlace);
        for (int i = 1; i <= 3; i++)
        {
            Assert.Equal(i, q.Writer.Offer(QueueHarness.Message(i, 8 + i)));
        }

        Assert.Equal(4, q.Writer.TryClaimBatch(3, 12, out SlotBatch batch));
        for (int k = 0; k < batch.Count; k++)
        {
            QueueHarness.Message(4 + k, 12).CopyTo(batch.Payload(k));
        }

        Assert.Equal(6, q.Writer.CommitBatch(batch));
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(i + 1, BitConverter.ToInt64(q.Slot(i)));
            Assert.True(q.MirrorSlot(i).IndexOfAnyExcept((byte)0) < 0, $"the mirror of slot {i} was written");
        }

        Assert.Equal(6, q.Reader.Poll(collector.Handler));
    }

    [Theory]
    [InlineData(true)] // the writer seals with a CRC, the reader expects the marker
    [InlineData(false)] // the writer writes the marker, the reader expects a CRC
    public void A_writer_and_a_reader_that_disagree_on_the_check_deliver_nothing(bool writerChecksums)
    {
        int direction = 0;
        Func<IRemoteWriteChannel, IRemoteWriteChannel> oneSided = c => (direction++ == 0) == writerChecksums ? QueueHarness.Tearing(c) : c;
        using LocalQueuePair pair = SharedMemoryProvider.CreateLocalPair(new SegmentedQueueGeometry(2, 2, 16), oneSided, checksumRetryLimit: 4);
        Assert.NotEqual(pair.Writer.ChecksumsSlots, pair.Reader.ChecksumsSlots);
        var collector = new Collector();
        Assert.Equal(1, pair.Writer.Offer(QueueHarness.Message(1, 16)));
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(0, pair.Reader.Poll(collector.Handler));
        }

        Assert.Empty(collector.Messages);
        Assert.Equal(1, pair.Reader.Counters.CorruptSlots);
    }

    [Fact]
    public void A_store_ordered_slot_without_the_marker_is_never_delivered()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 16), checksumRetryLimit: 4);
        q.Writer.Offer(QueueHarness.Message(1, 16));
        q.Slot(0)[SlotDescriptor.ChecksumOffset] ^= 1;
        var collector = new Collector();
        for (int i = 0; i < 10; i++)
        {
            q.Reader.Poll(collector.Handler);
        }

        Assert.Empty(collector.Messages);
        Assert.Equal(1, q.Reader.Counters.CorruptSlots);
    }

    private sealed class MinimalChannel : IRemoteWriteChannel
    {
        public MemoryRegion Source => throw new NotSupportedException();

        public long RemoteLength => 0;

        public int SendQueueDepth => 1;

        public bool IsConnected => false;

        public WriteStatus PostWrite(long sourceOffset, long remoteOffset, int length, bool signaled) => WriteStatus.NotConnected;

        public int PollCompletions() => 0;

        public void Dispose()
        {
        }
    }
}
