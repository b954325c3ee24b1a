using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Tests.Failover;

public class FailoverTests
{
    [Fact]
    public void Failure_while_a_segment_is_half_written_loses_and_repeats_nothing()
    {
        using var g = new FailoverGroup(); // 4 segments x 8 slots
        var events = new List<FailoverEvent>();
        g.Writer.FailedOver += (_, e) => events.Add(e);
        g.Send(16);
        g.Pump(); // two whole segments read and acknowledged on both links
        g.Send(4); // 17..20: half of segment 2 written
        Assert.Equal(2, g.Pump(limit: 2)); // 17 and 18 delivered, not yet acknowledged (mid-segment)
        g.Switches[0].Kill();
        g.Send(30);
        g.Drain();

        g.AssertExactlyOnceInOrder(); // 17 and 18 came again on link 1 and were dropped
        Assert.Equal(1, g.Writer.Failovers);
        Assert.Equal(1, g.Writer.ActiveLink);
        Assert.Equal(LinkState.Failed, g.Writer.GetLinkState(0));
        FailoverEvent e = Assert.Single(events);
        Assert.Equal((0, 1), (e.From, e.To));
        Assert.Equal(17, e.FirstResent);
        Assert.Equal(20, e.LastResent);
        Assert.Equal(1, g.Reader.Switches);
        Assert.Equal(1, g.Reader.ActiveLink);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_idle_reader_acknowledges_the_partial_segment_after_a_batch_that_crossed_a_segment_end(int links)
    {
        using var g = new FailoverGroup(links); // 4 segments x 8 slots
        g.Send(12); // segment 0 whole, 4 messages of segment 1
        Assert.Equal(12, g.Pump()); // one batch: the active link's reader publishes 8 at the segment's end on its own
        g.Clock.Advance(g.Options.HeartbeatInterval);
        g.Pump(); // idle: the reader owes the writer 9..12 on every link, the active one too

        Assert.Equal(12, g.Writer.AcknowledgedPosition);
    }

    [Fact]
    public void Failure_before_the_reader_read_anything_resends_everything()
    {
        using var g = new FailoverGroup();
        g.Send(12);
        g.Switches[0].Kill();
        g.Send(10);
        g.Drain();
        g.AssertExactlyOnceInOrder();
        Assert.Equal(12, g.Writer.MessagesResent);
    }

    [Fact]
    public void Offer_reports_failing_over_while_the_resend_cannot_finish()
    {
        using var g = new FailoverGroup(maxHeld: 4);
        g.Send(10);
        g.Slots[1].HoldWrites(int.MaxValue); // link 1 keeps 4 writes back, then its send queue is full
        g.Switches[0].Kill();
        Assert.Equal(QueueStatus.FailingOver, g.Writer.Offer(FailoverGroup.Message(11)));
        Assert.Equal(FailoverStatus.FailingOver, g.Writer.Status);
        Assert.Equal(QueueStatus.FailingOver, g.Writer.Offer(FailoverGroup.Message(11)));

        g.Slots[1].HoldWrites(0);
        g.Slots[1].ReleaseHeld(); // the queue drains: the resend finishes and offers go through again
        g.Send(5);
        g.Drain();
        g.AssertExactlyOnceInOrder();
    }

    [Fact]
    public void Failure_during_the_resend_moves_on_and_loses_nothing()
    {
        using var g = new FailoverGroup(links: 3);
        g.Send(20);
        g.Slots[1].FailAfter(3); // link 1 dies after three of the resent slots
        g.Switches[0].Kill();
        g.Send(10);
        g.Drain();

        g.AssertExactlyOnceInOrder();
        Assert.Equal(2, g.Writer.Failovers);
        Assert.Equal(2, g.Writer.ActiveLink);
        Assert.Equal(LinkState.Failed, g.Writer.GetLinkState(1));
    }

    [Fact]
    public void No_healthy_link_when_the_standby_fails_too_and_nothing_lost_when_one_returns()
    {
        using var g = new FailoverGroup();
        g.Send(14);
        g.Switches[1].Kill();
        g.Writer.Maintain(); // the standby's heartbeat write fails: link 1 is marked failed
        Assert.Equal(LinkState.Failed, g.Writer.GetLinkState(1));
        g.Switches[0].Kill();

        Assert.Equal(QueueStatus.NotConnected, g.Writer.Offer(FailoverGroup.Message(15)));
        Assert.Equal(FailoverStatus.NoHealthyLink, g.Writer.Status);
        Assert.Equal(-1, g.Writer.ActiveLink);
        Assert.Equal(QueueStatus.NotConnected, g.Writer.Offer(FailoverGroup.Message(15)));

        g.Switches[1].Repair();
        g.Writer.Restore(1);
        Assert.Equal(FailoverStatus.Active, g.Writer.Status);
        g.Send(10);
        g.Drain();
        g.AssertExactlyOnceInOrder();
        Assert.Equal(24, g.Delivered.Count);
    }

    [Fact]
    public void Corrupt_slot_triggers_failover_and_is_never_delivered()
    {
        using var g = new FailoverGroup(checksumRetryLimit: 4);
        var reported = new List<LinkFailure>();
        g.Reader.LinkFailed += (_, e) => reported.Add(e);
        g.Send(5);
        g.Slots[0].CorruptNextWrite();
        g.Send(5); // message 6 lands corrupted on link 0
        for (int i = 0; i < 20 && g.Writer.Failovers == 0; i++)
        {
            g.Pump();
        }

        Assert.Equal(1, g.Writer.Failovers);
        Assert.Equal(1, g.Slots[0].Corrupted);
        LinkFailure report = Assert.Single(reported);
        Assert.Equal(0, report.Link);
        Assert.Contains("corrupt slot at sequence 6", report.Reason, StringComparison.Ordinal);
        g.Send(10);
        g.Drain();
        g.AssertExactlyOnceInOrder(); // and each payload matched its message: the corrupt copy was never delivered
    }

    [Fact]
    public void Corrupt_slot_on_the_only_link_is_reported_by_the_poll_that_finds_it()
    {
        // A one-link reader checks for an idle ring inline, without its full poll; a corrupt slot must still reach
        // the poll that counts it and the report, with no housekeeping (Maintain) in between.
        using var g = new FailoverGroup(links: 1, checksumRetryLimit: 4);
        var reported = new List<LinkFailure>();
        g.Reader.LinkFailed += (_, e) => reported.Add(e);
        g.Send(5);
        g.Slots[0].CorruptNextWrite();
        g.Send(1); // message 6 lands corrupted
        for (int i = 0; i < 20 && reported.Count == 0; i++)
        {
            g.PollOnly();
        }

        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, g.Delivered);
        LinkFailure report = Assert.Single(reported);
        Assert.Equal(LinkFailureCause.CorruptSlot, report.Cause);
        Assert.Contains("corrupt slot at sequence 6", report.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lost_write_is_detected_from_the_writer_heartbeat_and_resent()
    {
        using var g = new FailoverGroup();
        g.Send(3);
        g.Slots[0].DropNextWrite();
        g.Send(3); // 4 never lands on link 0; 5 and 6 do
        g.Pump();
        Assert.Equal(3, g.Reader.Position);

        g.Clock.Advance(g.Options.LostWriteTimeout / 2);
        g.Pump(); // the reader sees the writer's tail (6) ahead of its position (3): the bound starts now
        g.Clock.Advance(g.Options.LostWriteTimeout / 2);
        g.Pump();
        Assert.Equal(0, g.Writer.Failovers); // not yet: a slow link is not a broken one
        g.Clock.Advance(g.Options.LostWriteTimeout);
        g.Pump();
        g.Pump();
        Assert.Equal(1, g.Writer.Failovers);
        g.Drain();
        g.AssertExactlyOnceInOrder();
    }

    [Fact]
    public void Delayed_writes_land_late_in_order_without_a_failover()
    {
        using var g = new FailoverGroup();
        g.Send(2);
        g.Slots[0].HoldWrites(3);
        g.Send(5);
        g.Pump();
        Assert.Equal(2, g.Reader.Position);
        g.Slots[0].ReleaseHeld();
        g.Drain();
        g.AssertExactlyOnceInOrder();
        Assert.Equal(0, g.Writer.Failovers);
    }

    [Fact]
    public void Writer_fails_a_link_whose_reader_heartbeat_stops()
    {
        using var g = new FailoverGroup();
        var failures = new List<LinkFailure>();
        g.Writer.LinkFailed += (_, e) => failures.Add(e);
        g.Send(5);
        g.Pump();
        g.Heads[0].HoldWrites(int.MaxValue); // nothing from the reader reaches the writer over link 0
        for (int i = 0; i < 10; i++)
        {
            g.Clock.Advance(g.Options.HeartbeatTimeout / 4);
            g.Pump();
        }

        Assert.Equal(1, g.Writer.Failovers);
        Assert.Contains("heartbeat stopped", Assert.Single(failures).Reason, StringComparison.Ordinal);
        g.Send(10);
        g.Drain();
        g.AssertExactlyOnceInOrder();
    }

    [Fact]
    public void Reader_notices_a_silent_writer()
    {
        using var g = new FailoverGroup();
        var failures = new List<LinkFailure>();
        g.Reader.LinkFailed += (_, e) => failures.Add(e);
        g.Writer.Maintain();
        g.Pump();
        g.Slots[1].HoldWrites(int.MaxValue);
        g.Clock.Advance(g.Options.HeartbeatTimeout * 2);
        g.Reader.Maintain();
        Assert.False(g.Reader.IsWriterAlive(1));
        Assert.Contains("writer's heartbeat stopped", Assert.Single(failures, f => f.Link == 1).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_failovers_and_failbacks_keep_the_stream_exact()
    {
        var random = new Random(20261126);
        using var g = new FailoverGroup(links: 2, geometry: new SegmentedQueueGeometry(3, 4, 16));
        for (int round = 0; round < 300; round++)
        {
            g.Send(random.Next(0, 30));
            if (random.Next(3) == 0)
            {
                g.Pump();
            }

            int victim = g.Writer.ActiveLink;
            g.Switches[victim].Kill();
            g.Send(random.Next(1, 10));
            if (random.Next(2) == 0)
            {
                g.Pump();
            }

            g.Switches[victim].Repair();
            g.Writer.Restore(victim); // failback: the repaired link is the new standby
            Assert.Equal(LinkState.Standby, g.Writer.GetLinkState(victim));
        }

        g.Drain();
        g.AssertExactlyOnceInOrder();
        Assert.Equal(300, g.Writer.Failovers);
    }

    [Fact]
    public void A_failover_from_an_in_place_link_resends_from_its_ring()
    {
        // In place the reader's ring is failover's copy (no mirror is written): the unacknowledged slots are copied
        // from link 0's ring and published in link 1's.
        using var g = FailoverGroup.InPlace();
        g.Send(20);
        g.Pump(limit: 5); // some delivered, none acknowledged yet (the head goes out once a segment)
        g.Writer.MarkFailed(0, LinkFailureCause.Requested, "test");
        Assert.Equal(1, g.Writer.ActiveLink);
        g.Ring(0).GetSpan(0, g.Geometry.Capacity * g.Geometry.SlotStride).Clear(); // 6..20 can only come over link 1
        g.Send(10);
        g.Drain();
        g.AssertExactlyOnceInOrder();
        Assert.Equal(1, g.Writer.Failovers);
        Assert.Equal(20, g.Writer.MessagesResent);
    }

    [Fact]
    public void Repeated_failovers_restores_and_replacements_of_in_place_links_keep_the_stream_exact()
    {
        var random = new Random(20261202);
        var geometry = new SegmentedQueueGeometry(3, 4, 16);
        using var g = FailoverGroup.InPlace(links: 2, geometry);
        var retired = new List<IDisposable>();
        for (int round = 0; round < 300; round++)
        {
            g.Send(random.Next(0, 30));
            if (random.Next(3) == 0)
            {
                g.Pump(limit: random.Next(1, 20));
            }

            int victim = g.Writer.ActiveLink;
            g.Writer.MarkFailed(victim, LinkFailureCause.Requested, "test");
            g.Send(random.Next(1, 10));
            if (random.Next(2) == 0)
            {
                g.Pump();
            }

            if (random.Next(2) == 0)
            {
                g.Writer.Restore(victim); // the same connection back: its ring still holds what it carried
            }
            else
            {
                LocalQueuePair fresh = SharedMemoryProvider.CreateLocalPair(geometry); // a new connection: new rings
                retired.Add(fresh);
                retired.Add(g.Reader.ReplaceLink(victim, fresh.Reader));
                retired.Add(g.Writer.ReplaceLink(victim, fresh.Writer));
            }

            Assert.Equal(LinkState.Standby, g.Writer.GetLinkState(victim));
        }

        g.Drain();
        g.AssertExactlyOnceInOrder();
        Assert.Equal(300, g.Writer.Failovers);
        retired.ForEach(d => d.Dispose());
    }

    [Fact]
    public void Current_segment_scope_resends_only_the_tail_segment()
    {
        using var g = new FailoverGroup(options: new FailoverOptions { ResendScope = ResendScope.CurrentSegment });
        var events = new List<FailoverEvent>();
        g.Writer.FailedOver += (_, e) => events.Add(e);
        g.Send(20); // unread: nothing acknowledged
        g.Switches[0].Kill();
        g.TryOffer();
        FailoverEvent e = Assert.Single(events);
        Assert.Equal(17, e.FirstResent); // segment 3 holds 17..24
        Assert.Equal(20, e.LastResent);
    }

    [Fact]
    public void Re_established_link_replaces_the_failed_one_and_takes_over_later()
    {
        using var g = new FailoverGroup();
        g.Send(10);
        g.Switches[0].Kill();
        g.Send(10); // on link 1 now
        using LocalQueuePair fresh = SharedMemoryProvider.CreateLocalPair(g.Geometry);
        g.Writer.ReplaceLink(0, fresh.Writer); // a new queue pair and new memory for link 0
        g.Reader.ReplaceLink(0, fresh.Reader);
        Assert.Equal(LinkState.Standby, g.Writer.GetLinkState(0));

        g.Send(5);
        g.Pump();
        g.Switches[1].Kill();
        g.Send(10); // back on the new link 0
        g.Drain();
        g.AssertExactlyOnceInOrder();
        Assert.Equal(0, g.Writer.ActiveLink);
        Assert.Equal(2, g.Writer.Failovers);
    }

    [Fact]
    public void A_new_connection_has_the_first_heartbeat_bound_until_its_reader_beats()
    {
        // The writer's end of a new connection is in place while the reader is still setting up its end (on a host
        // that faults pages in slowly, a large ring takes longer than a heartbeat timeout): that is not a dead link.
        using var g = new FailoverGroup(options: new FailoverOptions { FirstHeartbeatTimeout = TimeSpan.FromSeconds(1) });
        var failures = new List<LinkFailure>();
        g.Writer.LinkFailed += (_, e) => failures.Add(e);
        g.Send(10);
        g.Switches[0].Kill();
        g.Send(10); // on link 1 now
        failures.Clear();
        using LocalQueuePair fresh = SharedMemoryProvider.CreateLocalPair(g.Geometry);
        g.Writer.ReplaceLink(0, fresh.Writer);
        KeepLinkOneBeating(g, g.Options.HeartbeatTimeout * 4); // the new connection's reader is not there yet
        Assert.Equal(LinkState.Standby, g.Writer.GetLinkState(0));
        Assert.Empty(failures);

        g.Reader.ReplaceLink(0, fresh.Reader);
        g.Clock.Advance(g.Options.HeartbeatInterval);
        g.Pump(); // the reader's first heartbeat on the new connection: from here the heartbeat timeout applies
        Assert.Equal(LinkState.Standby, g.Writer.GetLinkState(0));
        g.Clock.Advance(g.Options.HeartbeatTimeout * 2); // both readers silent now; link 0 gets no more than link 1
        g.Writer.Maintain();
        Assert.Equal(LinkState.Failed, g.Writer.GetLinkState(0));
        Assert.Contains("heartbeat stopped", Assert.Single(failures, f => f.Link == 0).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_connection_whose_reader_never_beats_fails_at_the_first_heartbeat_bound()
    {
        using var g = new FailoverGroup(options: new FailoverOptions { FirstHeartbeatTimeout = TimeSpan.FromSeconds(1) });
        var failures = new List<LinkFailure>();
        g.Send(10);
        g.Switches[0].Kill();
        g.Send(10);
        g.Writer.LinkFailed += (_, e) => failures.Add(e);
        using LocalQueuePair fresh = SharedMemoryProvider.CreateLocalPair(g.Geometry);
        g.Writer.ReplaceLink(0, fresh.Writer);
        KeepLinkOneBeating(g, TimeSpan.FromMilliseconds(900));
        Assert.Equal(LinkState.Standby, g.Writer.GetLinkState(0));
        KeepLinkOneBeating(g, TimeSpan.FromMilliseconds(200));
        Assert.Equal(LinkState.Failed, g.Writer.GetLinkState(0));
        Assert.Equal(1, g.Writer.ActiveLink);
        Assert.Contains("did not write a first heartbeat", Assert.Single(failures).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reader_gives_the_writer_of_a_new_connection_the_first_heartbeat_bound()
    {
        using var g = new FailoverGroup(options: new FailoverOptions { FirstHeartbeatTimeout = TimeSpan.FromSeconds(1) });
        var failures = new List<LinkFailure>();
        g.Send(10);
        g.Switches[0].Kill();
        g.Send(10);
        g.Drain();
        g.Reader.LinkFailed += (_, e) => failures.Add(e);
        using LocalQueuePair fresh = SharedMemoryProvider.CreateLocalPair(g.Geometry);
        g.Reader.ReplaceLink(0, fresh.Reader); // the reader's end first; the writer's is still being set up
        KeepLinkOneBeating(g, g.Options.HeartbeatTimeout * 4);
        Assert.False(g.Reader.IsLinkFailed(0));
        Assert.Empty(failures);
        KeepLinkOneBeating(g, TimeSpan.FromSeconds(1));
        Assert.True(g.Reader.IsLinkFailed(0));
        Assert.Contains("did not write a first heartbeat", Assert.Single(failures).Reason, StringComparison.Ordinal);
    }

    /// <summary>Lets <paramref name="span"/> pass in steps of a heartbeat interval, both ends maintaining their links, so
    /// the healthy link 1 stays up and only what the test does to link 0 shows.</summary>
    private static void KeepLinkOneBeating(FailoverGroup g, TimeSpan span)
    {
        for (TimeSpan passed = TimeSpan.Zero; passed < span; passed += g.Options.HeartbeatInterval * 5)
        {
            g.Clock.Advance(g.Options.HeartbeatInterval * 5);
            g.Reader.Maintain();
            g.Writer.Maintain();
        }
    }

    [Fact]
    public void Replacing_the_only_holder_of_unacknowledged_messages_keeps_them()
    {
        using var g = new FailoverGroup();
        g.Send(6);
        g.Switches[0].Kill();
        g.Send(6); // 1..12 on link 1, none read yet
        g.Switches[1].Kill();
        Assert.Equal(QueueStatus.NotConnected, g.Writer.Offer(FailoverGroup.Message(13)));

        using LocalQueuePair fresh = SharedMemoryProvider.CreateLocalPair(g.Geometry);
        g.Reader.ReplaceLink(1, fresh.Reader);
        g.Writer.ReplaceLink(1, fresh.Writer); // the old link 1's mirror is copied before it is disposed
        Assert.Equal(FailoverStatus.Active, g.Writer.Status);
        g.Send(3);
        g.Drain();
        g.AssertExactlyOnceInOrder();
        Assert.Equal(15, g.Delivered.Count);
    }

    [Fact]
    public void Only_a_failed_link_can_be_replaced()
    {
        using var g = new FailoverGroup();
        using LocalQueuePair fresh = SharedMemoryProvider.CreateLocalPair(g.Geometry);
        Assert.Throws<InvalidOperationException>(() => g.Writer.ReplaceLink(1, fresh.Writer));
        using LocalQueuePair other = SharedMemoryProvider.CreateLocalPair(new SegmentedQueueGeometry(2, 2, 8));
        g.Switches[1].Kill();
        g.Writer.MarkFailed(1, LinkFailureCause.Requested, "test");
        Assert.Throws<ArgumentException>(() => g.Writer.ReplaceLink(1, other.Writer));
    }

    [Fact]
    public void Rejects_links_of_different_geometry()
    {
        using var a = SharedMemoryProvider.CreateLocalPair(new SegmentedQueueGeometry(2, 2, 8));
        using var b = SharedMemoryProvider.CreateLocalPair(new SegmentedQueueGeometry(2, 4, 8));
        var e = Assert.Throws<ArgumentException>(() => new FailoverWriter([a.Writer, b.Writer]));
        Assert.Contains("same geometry", e.Message, StringComparison.Ordinal);
    }
    [Fact]
    public void A_switch_counts_even_when_no_heartbeat_of_the_old_link_arrived_whole()
    {
        // Link 0's trailer writes (the heartbeats that announce its epoch) are lost; its messages arrive. The reader
        // delivers from link 0 without ever seeing its epoch, then the writer fails over to link 1: that is a switch.
        var geometry = new SegmentedQueueGeometry(4, 8, 16);
        bool dropTrailers = true;
        using LocalQueuePair link0 = SharedMemoryProvider.CreateLocalPair(geometry, channel => new TrailerDroppingChannel(channel, geometry.RingLength, () => dropTrailers));
        using LocalQueuePair link1 = SharedMemoryProvider.CreateLocalPair(geometry, channel => new TrailerDroppingChannel(channel, geometry.RingLength, () => false));
        var clock = new ManualClock();
        var options = new FailoverOptions();
        using var writer = new FailoverWriter([link0.Writer, link1.Writer], options, clock);
        using var reader = new FailoverReader([link0.Reader, link1.Reader], options, clock);
        var switches = new List<LinkSwitch>();
        reader.SwitchedLink += (_, e) => switches.Add(e);
        var sink = new CountingSink();
        for (long i = 1; i <= 5; i++)
        {
            Assert.Equal(i, writer.Offer(BitConverter.GetBytes(i)));
        }

        Assert.Equal(5, reader.Poll(ref sink));
        Assert.Equal(0, link0.Reader.WriterEpoch); // never seen

        writer.MarkFailed(0, LinkFailureCause.AsyncEvent, "test: port error");
        for (long i = 6; i <= 8;)
        {
            if (writer.Offer(BitConverter.GetBytes(i)) > 0)
            {
                i++;
            }

            writer.Maintain();
            reader.Poll(ref sink);
        }

        while (reader.Position < 8)
        {
            Assert.True(reader.Poll(ref sink) >= 0);
        }

        Assert.Equal(8, sink.Count);
        Assert.Equal(1, reader.Switches);
        LinkSwitch e = Assert.Single(switches);
        Assert.Equal((0, 1, 6L), (e.From, e.To, e.Sequence));
    }

    private struct CountingSink : IMessageHandler
    {
        public long Count;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => Count++;
    }

    /// <summary>Passes every write on but those at or past <c>trailerOffset</c> (the ring's trailer) while told to drop them.</summary>
    private sealed class TrailerDroppingChannel(RdmaStack.Transport.IRemoteWriteChannel inner, long trailerOffset, Func<bool> drop) : RdmaStack.Transport.IRemoteWriteChannel
    {
        public RdmaStack.Transport.MemoryRegion Source => inner.Source;

        public long RemoteLength => inner.RemoteLength;

        public int SendQueueDepth => inner.SendQueueDepth;

        public bool IsConnected => inner.IsConnected;

        public RdmaStack.Transport.WriteStatus PostWrite(long sourceOffset, long remoteOffset, int length, bool signaled) =>
            remoteOffset >= trailerOffset && drop() ? RdmaStack.Transport.WriteStatus.Posted : inner.PostWrite(sourceOffset, remoteOffset, length, signaled);

        public int PollCompletions() => inner.PollCompletions();

        public void Dispose() => inner.Dispose();
    }
}
