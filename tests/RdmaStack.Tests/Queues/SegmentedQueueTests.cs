using RdmaStack.Queues;

namespace RdmaStack.Tests.Queues;

public class SegmentedQueueTests
{
    [Theory]
    [InlineData(2, 1, 8, false)]
    [InlineData(2, 3, 16, false)]
    [InlineData(7, 3, 1, false)]
    [InlineData(4, 16, 64, false)]
    [InlineData(2, 1, 8, true)]
    [InlineData(7, 3, 1, true)]
    [InlineData(4, 16, 64, true)]
    public void Delivers_every_message_in_order_over_many_laps(int segments, int slots, int size, bool checksums)
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(segments, slots, size), checksums: checksums);
        var random = new Random(segments * 1000 + slots);
        var collector = new Collector();
        MessageHandler handler = collector.Handler;
        long sent = 0;
        const int total = 20_000; // hundreds of laps for every geometry above
        while (collector.Messages.Count < total)
        {
            int burst = random.Next(1, 2 * q.Geometry.Capacity);
            for (int i = 0; i < burst && sent < total; i++)
            {
                long status = q.Writer.Offer(QueueHarness.Message(sent + 1, random.Next(0, size + 1)));
                if (status == QueueStatus.BackPressured)
                {
                    break;
                }

                Assert.Equal(sent + 1, status);
                sent++;
            }

            q.Reader.Poll(handler, random.Next(1, 2 * q.Geometry.Capacity));
        }

        Assert.True(sent / q.Geometry.Capacity >= 100, $"only {sent / q.Geometry.Capacity} laps");
        for (int i = 0; i < total; i++)
        {
            Assert.Equal(i + 1, collector.Messages[i].Sequence);
            byte[] expected = QueueHarness.Message(i + 1, collector.Messages[i].Payload.Length);
            Assert.Equal(expected, collector.Messages[i].Payload);
        }

        Assert.Equal(new ReaderCounters(total, 0, 0, 0, total / slots), q.Reader.Counters);
    }

    [Fact]
    public void Writer_refuses_a_segment_that_holds_the_head_and_resumes_once_it_leaves()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 4, 8));
        var collector = new Collector();
        for (int i = 1; i <= 8; i++)
        {
            Assert.Equal(i, q.Writer.Offer(QueueHarness.Message(i, 8)));
        }

        // Both segments are full; segment 0 still holds the head (nothing read).
        Assert.Equal(QueueStatus.BackPressured, q.Writer.Offer(QueueHarness.Message(9, 8)));

        // The head moves inside segment 0 but has not left it: still refused, and no head was published.
        Assert.Equal(3, q.Reader.Poll(collector.Handler, 3));
        Assert.Equal(0, q.Writer.PublishedHead);
        Assert.Equal(QueueStatus.BackPressured, q.Writer.Offer(QueueHarness.Message(9, 8)));

        // The head leaves segment 0: it publishes once and the writer may enter.
        Assert.Equal(1, q.Reader.Poll(collector.Handler, 1));
        Assert.Equal(4, q.Writer.PublishedHead);
        for (int i = 9; i <= 12; i++)
        {
            Assert.Equal(i, q.Writer.Offer(QueueHarness.Message(i, 8)));
        }

        // Next crossing (into segment 1) needs the head out of segment 1, which holds 5..8 unread.
        Assert.Equal(QueueStatus.BackPressured, q.Writer.Offer(QueueHarness.Message(13, 8)));
        Assert.Equal(8, q.Reader.Poll(collector.Handler));
        Assert.Equal(13, q.Writer.Offer(QueueHarness.Message(13, 8)));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), collector.Messages.Select(m => m.Sequence));
        Assert.Equal(3, q.Reader.Counters.HeadPublications);
    }

    [Fact]
    public void Back_pressure_writes_nothing_and_loses_nothing()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 4));
        for (int i = 1; i <= 4; i++)
        {
            q.Writer.Offer(QueueHarness.Message(i, 4));
        }

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(QueueStatus.BackPressured, q.Writer.Offer(QueueHarness.Message(5, 4)));
        }

        Assert.Equal(4, q.Writer.Position);
        var collector = new Collector();
        Assert.Equal(4, q.Reader.Poll(collector.Handler));
        Assert.Equal(5, q.Writer.Offer(QueueHarness.Message(5, 4)));
        Assert.Equal(1, q.Reader.Poll(collector.Handler));
        Assert.Equal([1L, 2, 3, 4, 5], collector.Messages.Select(m => m.Sequence));
    }

    [Fact]
    public void Slot_with_a_bad_crc_is_never_delivered_and_is_counted_once()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 4, 16), checksumRetryLimit: 8, checksums: true);
        var collector = new Collector();
        q.Writer.Offer(QueueHarness.Message(1, 16));
        q.Writer.Offer(QueueHarness.Message(2, 16));
        q.Slot(1)[SlotDescriptor.HeaderLength + 5] ^= 0x40; // one bit flipped in message 2's payload

        for (int i = 0; i < 100; i++)
        {
            q.Reader.Poll(collector.Handler);
        }

        Assert.Equal([1L], collector.Messages.Select(m => m.Sequence));
        ReaderCounters c = q.Reader.Counters;
        Assert.Equal(1, c.CorruptSlots);
        Assert.True(c.TornReads >= 8);

        // The next message is not delivered past the hole (order is kept) ...
        q.Writer.Offer(QueueHarness.Message(3, 16));
        Assert.Equal(0, q.Reader.Poll(collector.Handler));

        // ... and once the slot is written again intact (a resend), both arrive in order.
        q.Slot(1)[SlotDescriptor.HeaderLength + 5] ^= 0x40;
        Assert.Equal(2, q.Reader.Poll(collector.Handler));
        Assert.Equal([1L, 2, 3], collector.Messages.Select(m => m.Sequence));
        Assert.Equal(QueueHarness.Message(2, 16), collector.Messages[1].Payload);
    }

    [Fact]
    public void Checksum_timeout_keeps_a_slow_landing_slot_from_being_called_corrupt()
    {
        using var pair = RdmaStack.Providers.SharedMemory.SharedMemoryProvider.CreateLocalPair(new SegmentedQueueGeometry(2, 2, 16), QueueHarness.Tearing, checksumRetryLimit: 4);
        using var reader = new SegmentedQueueReader(pair.Reader.Geometry, pair.Ring, pair.Reader.HeadChannel, checksumRetryLimit: 4, ownsResources: false)
        {
            ChecksumTimeout = TimeSpan.FromSeconds(1),
        };
        pair.Writer.Offer(QueueHarness.Message(1, 16));
        Span<byte> slot = pair.Ring.GetSpan(0, pair.Reader.Geometry.SlotStride);
        slot[SlotDescriptor.HeaderLength + 3] ^= 1;
        var collector = new Collector();
        for (int i = 0; i < 100; i++)
        {
            reader.Poll(collector.Handler);
        }

        Assert.Equal(0, reader.Counters.CorruptSlots); // 100 polls, but not yet a second of failing
        Thread.Sleep(1100);
        reader.Poll(collector.Handler);
        Assert.Equal(1, reader.Counters.CorruptSlots);
        Assert.Empty(collector.Messages);
    }

    [Fact]
    public void Slot_whose_length_exceeds_the_payload_is_never_delivered()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 8), checksumRetryLimit: 4);
        q.Writer.Offer(QueueHarness.Message(1, 8));
        BitConverter.TryWriteBytes(q.Slot(0)[SlotDescriptor.LengthOffset..], 1_000_000);
        var collector = new Collector();
        for (int i = 0; i < 10; i++)
        {
            q.Reader.Poll(collector.Handler);
        }

        Assert.Empty(collector.Messages);
        Assert.Equal(1, q.Reader.Counters.CorruptSlots);
    }

    [Fact]
    public void Slot_torn_mid_write_is_retried_not_counted_corrupt()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 32), checksumRetryLimit: 1000, checksums: true);
        q.Writer.Offer(QueueHarness.Message(1, 32));
        byte[] good = q.Slot(0).ToArray();
        q.Slot(0)[SlotDescriptor.HeaderLength + 20] = (byte)~good[SlotDescriptor.HeaderLength + 20]; // the tail has not landed yet
        var collector = new Collector();
        Assert.Equal(0, q.Reader.Poll(collector.Handler));
        Assert.Equal(0, q.Reader.Poll(collector.Handler));
        good.CopyTo(q.Slot(0)); // the rest of the write lands
        Assert.Equal(1, q.Reader.Poll(collector.Handler));
        Assert.Equal(new ReaderCounters(1, 0, 0, 2, 0), q.Reader.Counters);
    }

    [Theory]
    [InlineData(-16)] // a slot from two laps back (a stale replay)
    [InlineData(8)] // a slot from the next lap (written out of turn)
    public void Slot_with_an_unexpected_sequence_is_never_delivered_and_is_counted(int lapOffset)
    {
        var geometry = new SegmentedQueueGeometry(2, 4, 8); // capacity 8
        using var q = new QueueHarness(geometry);
        var collector = new Collector();
        for (int i = 1; i <= 24; i++)
        {
            Assert.Equal(i, q.Writer.Offer(QueueHarness.Message(i, 8)));
            Assert.Equal(1, q.Reader.Poll(collector.Handler));
        }

        // The reader now expects 25 in slot 0. Forge a well-formed slot (valid CRC) with another sequence.
        long forged = 25 + lapOffset;
        byte[] payload = QueueHarness.Message(forged, 8);
        Span<byte> slot = q.Slot(0);
        BitConverter.TryWriteBytes(slot[SlotDescriptor.SequenceOffset..], forged);
        BitConverter.TryWriteBytes(slot[SlotDescriptor.LengthOffset..], payload.Length);
        BitConverter.TryWriteBytes(slot[SlotDescriptor.ChecksumOffset..], SlotDescriptor.ComputeChecksum(forged, payload));
        payload.CopyTo(slot[SlotDescriptor.HeaderLength..]);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(0, q.Reader.Poll(collector.Handler));
        }

        Assert.Equal(24, collector.Messages.Count);
        Assert.Equal(1, q.Reader.Counters.SequenceErrors); // lasting past the retry limit (8), counted once

        // The real message 25 then overwrites it and is delivered.
        Assert.Equal(25, q.Writer.Offer(QueueHarness.Message(25, 8)));
        Assert.Equal(1, q.Reader.Poll(collector.Handler));
        Assert.Equal(25, collector.Messages[^1].Sequence);
    }

    [Fact]
    public void Sequence_caught_half_landed_is_not_counted()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 4, 8), checksumRetryLimit: 8);
        var collector = new Collector();
        q.Writer.Offer(QueueHarness.Message(1, 8));
        Span<byte> slot = q.Slot(0);
        byte[] landed = slot.ToArray();
        slot[SlotDescriptor.SequenceOffset + 5] = 0x7F; // the sequence's high bytes have not landed yet
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, q.Reader.Poll(collector.Handler));
        }

        landed.CopyTo(slot); // the rest lands
        Assert.Equal(1, q.Reader.Poll(collector.Handler));
        Assert.Equal(new ReaderCounters(1, 0, 0, 0, 0), q.Reader.Counters);
    }

    [Fact]
    public void Previous_lap_sequence_means_not_yet_written()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 1, 8));
        var collector = new Collector();
        for (int i = 1; i <= 10; i++)
        {
            q.Writer.Offer(QueueHarness.Message(i, 8));
            q.Reader.Poll(collector.Handler);
            Assert.Equal(0, q.Reader.Poll(collector.Handler)); // the slots now hold the previous lap
        }

        Assert.Equal(new ReaderCounters(10, 0, 0, 0, 10), q.Reader.Counters);
    }

    [Fact]
    public void One_message_poll_delivers_what_is_there_and_hands_anything_else_to_the_full_poll()
    {
        var geometry = new SegmentedQueueGeometry(2, 4, 8); // capacity 8
        using var q = new QueueHarness(geometry);
        var check = new StreamCheck();
        Assert.Equal(0, q.Reader.TryPollOne(ref check)); // never written: idle
        Span<byte> message = stackalloc byte[8];
        for (int i = 1; i <= 20; i++)
        {
            StreamCheck.Fill(message, i);
            q.Writer.Offer(message);
            Assert.Equal(1, q.Reader.TryPollOne(ref check)); // a message is there: delivered in place
            Assert.Equal(0, q.Reader.TryPollOne(ref check)); // over several laps, the previous lap's sequence is idle
        }

        Assert.Equal((20, 0), (check.Count, check.Wrong));
        Assert.Equal(20, q.Reader.Position);
        Assert.Equal(20 / geometry.SlotsPerSegment, q.Reader.Counters.HeadPublications); // the head still goes out per segment

        // A slot whose check word is wrong is neither delivered nor idle: the full poll re-reads and counts it.
        StreamCheck.Fill(message, 21);
        q.Writer.Offer(message);
        BitConverter.TryWriteBytes(q.Slot(20 % 8)[SlotDescriptor.ChecksumOffset..], 0u);
        Assert.Equal(-1, q.Reader.TryPollOne(ref check));

        // Neither the expected sequence nor the previous lap's: not idle either.
        BitConverter.TryWriteBytes(q.Slot(20 % 8)[SlotDescriptor.SequenceOffset..], 21L + 8);
        Assert.Equal(-1, q.Reader.TryPollOne(ref check));
        Assert.Equal((20, 0), (check.Count, check.Wrong));
    }

    [Fact]
    public void Rejects_oversized_message_naming_both_sizes()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 48));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => q.Writer.Offer(new byte[49]));
        Assert.Contains("49 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("at most 48 bytes", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Writer.TryClaim(49, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Writer.TryClaim(-1, out _));

        // Nothing was consumed: the next message still gets sequence 1 and arrives.
        Assert.Equal(1, q.Writer.Offer(new byte[48]));
        var collector = new Collector();
        Assert.Equal(1, q.Reader.Poll(collector.Handler));
    }

    [Fact]
    public void Zero_length_payload_slots_carry_empty_messages()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 1, 0));
        Assert.Equal(SlotDescriptor.Alignment, q.Geometry.SlotStride);
        var collector = new Collector();
        for (int i = 1; i <= 100; i++)
        {
            Assert.Equal(i, q.Writer.Offer([]));
            Assert.Equal(1, q.Reader.Poll(collector.Handler));
        }

        Assert.All(collector.Messages, m => Assert.Empty(m.Payload));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Writer.Offer(new byte[1]));
    }

    [Fact]
    public void Maximum_payload_slots_carry_maximum_messages()
    {
        int max = SegmentedQueueGeometry.MaxSlotPayload;
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 1, max));
        var collector = new Collector();
        for (int i = 1; i <= 5; i++)
        {
            Assert.Equal(i, q.Writer.Offer(QueueHarness.Message(i, max)));
            Assert.Equal(1, q.Reader.Poll(collector.Handler));
            Assert.Equal(QueueHarness.Message(i, max), collector.Messages[^1].Payload);
        }
    }

    [Fact]
    public void Claim_and_commit_write_in_place()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(3, 2, 32));
        var collector = new Collector();
        for (int i = 1; i <= 50; i++)
        {
            long status = q.Writer.TryClaim(20, out SlotClaim claim);
            Assert.Equal(i, status);
            Assert.Equal(i, claim.Sequence);
            Assert.Equal(20, claim.Payload.Length);
            QueueHarness.Message(i, 20).CopyTo(claim.Payload);
            Assert.Equal(i, q.Writer.Commit(claim));
            Assert.Equal(1, q.Reader.Poll(collector.Handler));
            Assert.Equal(QueueHarness.Message(i, 20), collector.Messages[^1].Payload);
        }
    }

    [Fact]
    public void Claim_must_be_committed_before_the_next()
    {
        using var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 8));
        Assert.Equal(1, q.Writer.TryClaim(8, out _));
        Assert.Throws<InvalidOperationException>(() => q.Writer.TryClaim(8, out _));
        Assert.Throws<InvalidOperationException>(() => q.Writer.Offer(new byte[8]));
        Assert.Equal(1, q.Writer.Commit(default));
        Assert.Throws<InvalidOperationException>(() => q.Writer.Commit(default));
    }

    [Fact]
    public void Disposed_writer_returns_closed()
    {
        var q = new QueueHarness(new SegmentedQueueGeometry(2, 2, 8));
        q.Dispose();
        Assert.Equal(QueueStatus.Closed, q.Writer.Offer(new byte[8]));
    }
}
