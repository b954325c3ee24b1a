using RdmaStack.Queues;

namespace RdmaStack.Tests.Queues;

/// <summary>Claim N slots and commit once; take N messages and release once.</summary>
public class BatchTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Batches_deliver_every_message_in_order_across_the_rings_end(bool checksums)
    {
        var geometry = new SegmentedQueueGeometry(3, 4, 24); // capacity 12: batches of 5 wrap every few rounds
        using var q = new QueueHarness(geometry, signalInterval: 2, checksums: checksums);
        var delivered = new List<(long Sequence, byte[] Payload)>();
        long next = 1;
        while (next <= 200)
        {
            long first = q.Writer.TryClaimBatch(5, 24, out SlotBatch batch);
            Assert.Equal(next, first);
            Assert.InRange(batch.Count, 1, 5);
            for (int k = 0; k < batch.Count; k++)
            {
                int length = (int)((first + k) % 25);
                QueueHarness.Message(first + k, length).CopyTo(batch.Payload(k));
                batch.SetLength(k, length);
            }

            Assert.Equal(first + batch.Count - 1, q.Writer.CommitBatch(batch));
            next += batch.Count;
            int taken = q.Reader.PollBatch(7, out MessageBatch received);
            for (int k = 0; k < taken; k++)
            {
                delivered.Add((received.FirstSequence + k, received.Payload(k).ToArray()));
            }

            if (taken > 0)
            {
                q.Reader.ReleaseBatch(received);
            }
        }

        var rest = new Collector();
        q.Reader.Poll(rest.Handler);
        delivered.AddRange(rest.Messages);
        Assert.Equal(200, delivered.Count);
        for (int i = 0; i < delivered.Count; i++)
        {
            Assert.Equal(i + 1, delivered[i].Sequence);
            Assert.Equal(QueueHarness.Message(i + 1, (i + 1) % 25), delivered[i].Payload);
        }
    }

    [Fact]
    public void A_batch_claim_stops_at_the_segment_that_still_holds_the_head()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 4, 8));
        Assert.Equal(1, q.Writer.TryClaimBatch(3, 8, out SlotBatch first));
        Assert.Equal(3, first.Count);
        Assert.Equal(3, q.Writer.CommitBatch(first));

        // 5 slots are left in the ring, but segment 0 (slots 1-4) holds the head: only slot 4 and segment 1 fit.
        Assert.Equal(4, q.Writer.TryClaimBatch(100, 8, out SlotBatch second));
        Assert.Equal(5, second.Count);
        Assert.Equal(8, q.Writer.CommitBatch(second));
        Assert.Equal(QueueStatus.BackPressured, q.Writer.TryClaimBatch(1, 8, out _));

        // The reader finishes segment 0 and publishes its head: exactly that segment opens again.
        var collector = new Collector();
        Assert.Equal(4, q.Reader.Poll(collector.Handler, 4));
        Assert.Equal(9, q.Writer.TryClaimBatch(100, 8, out SlotBatch third));
        Assert.Equal(4, third.Count);
        Assert.Equal(12, q.Writer.CommitBatch(third));
    }

    [Fact]
    public void A_batch_poll_takes_only_what_has_arrived_and_moves_the_head_once()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 4, 8));
        for (int i = 1; i <= 3; i++)
        {
            q.Writer.Offer(QueueHarness.Message(i, 8));
        }

        Assert.Equal(3, q.Reader.PollBatch(10, out MessageBatch batch));
        Assert.Equal(1, batch.FirstSequence);
        Assert.Equal(0, q.Reader.Position); // not consumed until released
        Assert.Throws<InvalidOperationException>(() => q.Reader.PollBatch(1, out _));
        Assert.Equal(QueueHarness.Message(3, 8), batch.Payload(2).ToArray());
        q.Reader.ReleaseBatch(batch);
        Assert.Equal(3, q.Reader.Position);
        Assert.Equal(0, q.Writer.PublishedHead); // segment 0 not finished: nothing published yet

        q.Writer.Offer(QueueHarness.Message(4, 8));
        Assert.Equal(1, q.Reader.PollBatch(10, out batch));
        q.Reader.ReleaseBatch(batch);
        Assert.Equal(4, q.Writer.PublishedHead); // segment 0 finished: the head is published
        Assert.Equal(0, q.Reader.PollBatch(10, out batch));
        Assert.Equal(new ReaderCounters(4, 0, 0, 0, 1), q.Reader.Counters);
    }

    [Fact]
    public void Batch_misuse_is_refused()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 4, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Writer.TryClaimBatch(0, 8, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Writer.TryClaimBatch(2, 9, out _));
        Assert.Equal(1, q.Writer.TryClaimBatch(2, 8, out SlotBatch batch));
        Assert.Throws<InvalidOperationException>(() => q.Writer.TryClaim(8, out _));
        Assert.Throws<InvalidOperationException>(() => q.Writer.TryClaimBatch(1, 8, out _));
        try
        {
            batch.SetLength(0, 9);
            Assert.Fail("a length beyond the claim was taken");
        }
        catch (ArgumentOutOfRangeException)
        {
        }

        try
        {
            _ = batch.Payload(2);
            Assert.Fail("an index beyond the batch was taken");
        }
        catch (ArgumentOutOfRangeException)
        {
        }

        Assert.Equal(2, q.Writer.CommitBatch(batch));
        Assert.Throws<InvalidOperationException>(() => q.Writer.CommitBatch(default));
        Assert.Throws<InvalidOperationException>(() => q.Reader.ReleaseBatch(default));
    }
}
