using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Testing;

namespace RdmaStack.Tests.Fabric;

/// <summary>
/// The batch API of the entry point (Publication.TryClaimBatch/CommitBatch, Subscription.PollBatch/ReleaseBatch):
/// batches of varying lengths across segment and ring boundaries, across a failover, and the slot check the two ends
/// of a link settle in their handshake when only one of them can tear writes.
/// </summary>
public sealed class FabricBatchTests
{
    private static FabricOptions Options(int links) => new()
    {
        Links = [.. Enumerable.Range(0, links).Select(_ => new LinkOptions())],
        Geometry = new SegmentedQueueGeometry(4, 32, 64),
        HeartbeatTimeout = TimeSpan.FromSeconds(5),
        LostWriteTimeout = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public void Batches_carry_every_message_once_in_order_and_more_than_one_at_a_time()
    {
        using var fabric = RdmaStack.Fabric.Connect(Options(2));
        using var b = new BatchPair(fabric, fabric);
        b.Run(30_000);
        b.AssertExactlyOnceInOrder();
        Assert.True(b.LargestClaim > 1, $"largest claim {b.LargestClaim}");
        Assert.True(b.LargestPoll > 1, $"largest poll {b.LargestPoll}");
        Assert.Equal(0, b.Publication.Failovers);
    }

    [Fact]
    public void Batches_survive_a_killed_link_without_loss_or_duplicates()
    {
        var faults = new FaultInjector(2);
        using var fabric = RdmaStack.Fabric.Connect(faults.Attach(Options(2)));
        using var b = new BatchPair(fabric, fabric);
        b.Run(5_000);
        b.RunUntilConnected(2); // a standby to fail over to: otherwise the library re-establishes the victim instead
        int victim = b.Publication.ActiveLink;
        faults.Kill(victim);
        b.Run(10_000);
        b.AssertExactlyOnceInOrder();
        Assert.Equal(1, b.Publication.Failovers);
        Assert.Equal(1 - victim, b.Publication.ActiveLink);
    }

    [Fact]
    public void A_corrupted_write_is_caught_when_only_the_writers_end_can_tear()
    {
        // The injector is on the publication's fabric only: its end checksums every slot, and the subscription's end
        // (plain shared memory, which cannot tear) learns it in the handshake and checks them too.
        var faults = new FaultInjector(2);
        using var writing = RdmaStack.Fabric.Connect(faults.Attach(Options(2)));
        using var reading = RdmaStack.Fabric.Connect(Options(2));
        using var b = new BatchPair(writing, reading);
        b.Run(2_000);
        int victim = b.Publication.ActiveLink;
        faults.CorruptNextWrite(victim);
        b.Run(4_000);
        b.AssertExactlyOnceInOrder();
        Assert.Equal(1, faults.Corrupted);
        Assert.True(b.Subscription.Counters.CorruptSlots >= 1, b.Subscription.Counters.ToString());
        Assert.Equal(1, b.Publication.Failovers);
    }

    /// <summary>A hot thread that only commits batches, or only polls them (64 messages a call, no DoWork of its own),
    /// still heartbeats: the housekeeping is due every 64 messages, and a batch counts as its messages. Counted as one
    /// call, a batch left 64 calls between heartbeats: here 30 rounds of 50 ms went by without one, past the peer's 1 s
    /// timeout, and the peer declared the link dead.</summary>
    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void A_hot_thread_that_only_moves_batches_keeps_its_heartbeats_going(bool writerWorks, bool readerWorks)
    {
        using var fabric = RdmaStack.Fabric.Connect(Options(1) with { HeartbeatTimeout = TimeSpan.FromSeconds(1) });
        using var b = new BatchPair(fabric, fabric);
        b.Run(10);
        b.RunBatches(rounds: 30, pause: TimeSpan.FromMilliseconds(50), writerWorks, readerWorks);
        b.AssertExactlyOnceInOrder();
        Assert.Equal(0, b.Publication.Failovers);
        Assert.Empty(b.PublicationFailures);
        Assert.Empty(b.SubscriptionFailures);
    }

    [Fact]
    public void Refuses_a_second_poll_while_a_batch_is_out_and_a_release_without_one()
    {
        using var fabric = RdmaStack.Fabric.Connect(Options(1));
        using var b = new BatchPair(fabric, fabric);
        b.Run(10);
        Assert.True(b.Publication.TryClaimBatch(3, 16, out SlotBatch claim) > 0);
        for (int k = 0; k < claim.Count; k++)
        {
            StreamCheck.Fill(claim.Payload(k), claim.FirstSequence + k);
        }

        Assert.Equal(claim.FirstSequence + claim.Count - 1, b.Publication.CommitBatch(claim));
        MessageBatch batch = default;
        long deadline = Environment.TickCount64 + 30_000;
        while (b.Subscription.PollBatch(2, out batch) == 0)
        {
            Assert.True(Environment.TickCount64 < deadline, "nothing arrived");
            b.Publication.DoWork();
        }

        Assert.Equal(0, b.Subscription.DoWork());
        Assert.Throws<InvalidOperationException>(() => b.Subscription.PollBatch(1, out _));
        b.Subscription.ReleaseBatch(batch);
        Assert.Throws<InvalidOperationException>(() => b.Subscription.ReleaseBatch(default));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.Subscription.PollBatch(0, out _));
    }

    /// <summary>A publication that sends in batches of 1 to 37 messages of 8 to 64 bytes, and a subscription that takes
    /// them in batches of up to 50, both driven by the test's thread.</summary>
    private sealed class BatchPair : IDisposable
    {
        private StreamCheck _check;
        private long _sent;
        private int _round;

        public BatchPair(RdmaStack.Fabric writing, RdmaStack.Fabric reading)
        {
            string name = StreamPair.NewName();
            Subscription = reading.AddSubscription(name);
            Publication = writing.AddPublication(name);
            Publication.LinkConnected += (_, e) => ConnectedLinks.Add(e.Link);
            Publication.LinkFailed += (_, e) => PublicationFailures.Add(e);
            Subscription.LinkFailed += (_, e) => SubscriptionFailures.Add(e);
        }

        /// <summary>The links the publication has had a connection on.</summary>
        public HashSet<int> ConnectedLinks { get; } = [];

        /// <summary>The failures each end declared.</summary>
        public List<LinkFailure> PublicationFailures { get; } = [];

        public List<LinkFailure> SubscriptionFailures { get; } = [];

        public Publication Publication { get; }

        public Subscription Subscription { get; }

        public int LargestClaim { get; private set; }

        public int LargestPoll { get; private set; }

        public void Run(long count)
        {
            long target = _sent + count;
            long deadline = Environment.TickCount64 + 60_000;
            while (_check.Count < target)
            {
                Assert.True(Environment.TickCount64 < deadline, $"stuck at {_check.Count} of {target} (sent {_sent}, publication {Publication.Status})");
                int work = _sent < target ? Send((int)Math.Min(target - _sent, 1 + (_round++ % 37))) : 0;
                work += Receive();
                work += Publication.DoWork() + Subscription.DoWork();
                if (work == 0)
                {
                    Thread.Yield();
                }
            }
        }

        /// <summary><paramref name="rounds"/> times: one batch of 64 messages committed, all of it taken with one poll
        /// (or batch and release), then <paramref name="pause"/>; DoWork is called only on the ends told to.</summary>
        public void RunBatches(int rounds, TimeSpan pause, bool writerWorks, bool readerWorks)
        {
            for (int r = 0; r < rounds; r++)
            {
                long target = _sent + 64;
                long deadline = Environment.TickCount64 + 60_000;
                while (_sent < target)
                {
                    Assert.True(Environment.TickCount64 < deadline, $"round {r}: sent {_sent} of {target} ({Publication.Status})");
                    Send((int)(target - _sent));
                }

                while (_check.Count < target)
                {
                    Assert.True(Environment.TickCount64 < deadline, $"round {r}: delivered {_check.Count} of {target}");
                    Receive(64);
                }

                if (writerWorks)
                {
                    Publication.DoWork();
                }

                if (readerWorks)
                {
                    Subscription.DoWork();
                }

                Thread.Sleep(pause);
            }
        }

        public void RunUntilConnected(int links)
        {
            long deadline = Environment.TickCount64 + 60_000;
            while (ConnectedLinks.Count < links)
            {
                Assert.True(Environment.TickCount64 < deadline, $"only links {string.Join(", ", ConnectedLinks)} connected");
                Run(1);
            }
        }

        public void AssertExactlyOnceInOrder()
        {
            Assert.Equal(0, _check.Wrong);
            Assert.Equal(_sent, _check.Count);
        }

        public void Dispose()
        {
            Subscription.Dispose();
            Publication.Dispose();
        }

        private int Send(int want)
        {
            long first = Publication.TryClaimBatch(want, 64, out SlotBatch batch);
            if (first < 0)
            {
                Assert.True(QueueStatus.IsRetryable(first), QueueStatus.Describe(first));
                return 0;
            }

            Assert.Equal(_sent + 1, first);
            LargestClaim = Math.Max(LargestClaim, batch.Count);
            for (int k = 0; k < batch.Count; k++)
            {
                int length = 8 + (int)((first + k) % 57);
                batch.SetLength(k, length);
                StreamCheck.Fill(batch.Payload(k)[..length], first + k);
            }

            long last = Publication.CommitBatch(batch);
            if (last < 0)
            {
                Assert.True(QueueStatus.IsRetryable(last), QueueStatus.Describe(last));
                return 0;
            }

            Assert.InRange(last, first, first + batch.Count - 1);
            _sent = last;
            return batch.Count;
        }

        private int Receive(int limit = 50)
        {
            int taken = Subscription.PollBatch(limit, out MessageBatch batch);
            if (taken == 0)
            {
                return 0;
            }

            LargestPoll = Math.Max(LargestPoll, taken);
            for (int k = 0; k < batch.Count; k++)
            {
                _check.OnMessage(batch.Payload(k), batch.FirstSequence + k);
            }

            Subscription.ReleaseBatch(batch);
            return taken;
        }
    }
}
