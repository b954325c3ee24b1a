using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Tests.Providers.SharedMemory;

/// <summary>A local pair's two ends share memory (the writer stores into the reader's ring, the reader into the
/// writer's control block); a failover group replaces one end of a link at a time, so either may go first.</summary>
public sealed class LocalQueuePairTests
{
    private static readonly SegmentedQueueGeometry Geometry = new(2, 4, 8);

    // Each case runs many times: memory freed too early does not always read back wrong at once (the allocator
    // decides what it writes into a freed block), so one pass could miss it.
    private const int Repeats = 50;

    [Fact]
    public void The_writer_still_reads_the_head_after_the_reader_is_disposed()
    {
        for (int i = 0; i < Repeats; i++)
        {
            using LocalQueuePair pair = SharedMemoryProvider.CreateLocalPair(Geometry);
            Deliver(pair, Geometry.SlotsPerSegment); // a finished segment: the head is published
            Assert.Equal(4, pair.Writer.PublishedHead);
            pair.Reader.Dispose();

            // Freed with the reader, the control block once read back the allocator's own pointers as the
            // head (an acknowledged position of 139982715211760, and a failover that resent nothing).
            Assert.Equal(4, pair.Writer.PublishedHead);
            Assert.True(pair.Writer.Offer(new byte[8]) > 0);
        }
    }

    [Fact]
    public void The_reader_still_reads_the_ring_after_the_writer_is_disposed()
    {
        for (int i = 0; i < Repeats; i++)
        {
            using LocalQueuePair pair = SharedMemoryProvider.CreateLocalPair(Geometry);
            Assert.True(pair.Writer.Offer(BitConverter.GetBytes(42L + i)) > 0);
            pair.Writer.Dispose();

            long payload = 0;
            Assert.Equal(1, pair.Reader.Poll((bytes, _) => payload = BitConverter.ToInt64(bytes), 1));
            Assert.Equal(42L + i, payload);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_ring_is_freed_once_both_ends_are_disposed_in_either_order(bool readerFirst)
    {
        LocalQueuePair pair = SharedMemoryProvider.CreateLocalPair(Geometry);
        IDisposable first = readerFirst ? pair.Reader : pair.Writer;
        IDisposable second = readerFirst ? pair.Writer : pair.Reader;

        first.Dispose();
        Assert.False(pair.Ring.IsReleased);
        second.Dispose();
        Assert.True(pair.Ring.IsReleased);
    }

    [Fact]
    public void A_shared_region_keeps_the_memory_until_both_references_are_gone()
    {
        MemoryRegion region = MemoryRegion.AllocatePrivate(4096, "test");
        region.GetSpan(0, 8).Fill(0x5A);
        MemoryRegion share = region.Share();
        region.Dispose();

        Assert.True(region.IsDisposed);
        Assert.False(share.IsDisposed);
        Assert.False(region.IsReleased);
        Assert.Equal(0x5A5A5A5A5A5A5A5AL, BitConverter.ToInt64(share.GetSpan(0, 8)));
        share.Dispose();
        Assert.True(region.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => region.Share());
    }

    private static void Deliver(LocalQueuePair pair, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(pair.Writer.Offer(new byte[8]) > 0);
        }

        Assert.Equal(count, pair.Reader.Poll((_, _) => { }, count));
    }
}
