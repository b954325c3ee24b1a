using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Tests.Queues;

/// <summary>The trailer's words are one write that RDMA may land in any byte order: the reader keeps the
/// last whole snapshot until the check word and the words agree.</summary>
public class RingTrailerTests
{
    [Fact]
    public void A_never_written_trailer_reads_as_zero()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 8));
        Assert.Equal(default, q.Reader.Trailer); // all zero: its check word is not one a writer writes
        Assert.Equal(0, q.Reader.TornTrailerReads);
    }

    [Fact]
    public void Heartbeat_tail_epoch_and_state_arrive_together()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 8));
        q.Writer.Offer(QueueHarness.Message(1, 8));
        q.Writer.Epoch = 3;
        q.Writer.State = RingTrailerDescriptor.WriterClosed;
        Assert.Equal(WriteStatus.Posted, q.Writer.SendHeartbeat());
        Assert.Equal(new WriterTrailer(1, 1, 3, RingTrailerDescriptor.WriterClosed), q.Reader.Trailer);
        Assert.True(q.Reader.Trailer.IsClosed);
        Assert.Equal(1, q.Reader.WriterHeartbeat);
        Assert.Equal(1, q.Reader.WriterTail);
        Assert.Equal(3, q.Reader.WriterEpoch);
    }

    [Theory]
    [InlineData(RingTrailerDescriptor.WriterHeartbeatOffset)]
    [InlineData(RingTrailerDescriptor.WriterTailOffset)]
    [InlineData(RingTrailerDescriptor.EpochOffset)]
    [InlineData(RingTrailerDescriptor.WriterStateOffset)]
    [InlineData(RingTrailerDescriptor.CheckOffset)]
    public void A_torn_heartbeat_keeps_the_last_whole_one(int missingWord)
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 4, 8));
        q.Writer.Epoch = 1;
        q.Writer.SendHeartbeat();
        byte[] old = q.Trailer[..RingTrailerDescriptor.WriteLength].ToArray();
        Assert.Equal(new WriterTrailer(1, 0, 1, 0), q.Reader.Trailer);

        for (int i = 1; i <= 5; i++)
        {
            q.Writer.Offer(QueueHarness.Message(i, 8));
        }

        q.Writer.Epoch = 2;
        q.Writer.State = RingTrailerDescriptor.WriterClosed; // every word differs from the first write's
        q.Writer.SendHeartbeat();
        byte[] landed = q.Trailer[..RingTrailerDescriptor.WriteLength].ToArray();

        // The second write caught landing: every word new but one, which still holds the first write's value.
        old.AsSpan(missingWord, sizeof(long)).CopyTo(q.Trailer[missingWord..]);
        long torn = q.Reader.TornTrailerReads;
        Assert.Equal(new WriterTrailer(1, 0, 1, 0), q.Reader.Trailer);
        Assert.Equal(1, q.Reader.WriterEpoch);
        Assert.Equal(0, q.Reader.WriterTail);
        Assert.True(q.Reader.TornTrailerReads > torn || missingWord == RingTrailerDescriptor.CheckOffset);

        // The last bytes land: the new heartbeat is taken whole.
        landed.CopyTo(q.Trailer);
        Assert.Equal(new WriterTrailer(2, 5, 2, RingTrailerDescriptor.WriterClosed), q.Reader.Trailer);
    }

    [Fact]
    public void A_trailer_torn_byte_by_byte_never_mixes_two_heartbeats()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 8));
        var random = new Random(16);
        WriterTrailer previous = default;
        for (int round = 1; round <= 200; round++)
        {
            byte[] before = q.Trailer[..RingTrailerDescriptor.WriteLength].ToArray();
            q.Writer.Offer(QueueHarness.Message(round, 8));
            q.Reader.Poll(static (_, _) => { });
            q.Writer.Epoch = round;
            q.Writer.SendHeartbeat();
            byte[] after = q.Trailer[..RingTrailerDescriptor.WriteLength].ToArray();
            before.CopyTo(q.Trailer);
            var current = new WriterTrailer(round, round, round, 0);

            // Land the new bytes in a random order, reading after each: only the old or the new snapshot is seen.
            int[] order = [.. Enumerable.Range(0, after.Length).OrderBy(_ => random.Next())];
            foreach (int b in order)
            {
                q.Trailer[b] = after[b];
                WriterTrailer seen = q.Reader.Trailer;
                Assert.True(seen == previous || seen == current, $"round {round}: mixed snapshot {seen}");
            }

            Assert.Equal(current, q.Reader.Trailer);
            previous = current;
        }
    }

    [Fact]
    public void Reader_state_reaches_the_writers_control_block()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 8));
        Assert.Equal(0, q.Writer.ReaderState);
        Assert.Equal(WriteStatus.Posted, q.Reader.PublishState(ControlBlockDescriptor.ReaderClosed));
        Assert.Equal(ControlBlockDescriptor.ReaderClosed, q.Writer.ReaderState);
    }
}
