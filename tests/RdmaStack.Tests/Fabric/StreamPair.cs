using RdmaStack.Failover;
using RdmaStack.Queues;

namespace RdmaStack.Tests.Fabric;

/// <summary>
/// A publication and a subscription of one stream, both driven by the test's thread in turn (each object has one hot
/// thread: this one), with every event recorded and every delivered message checked.
/// </summary>
internal sealed class StreamPair
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private StreamCheck _check;
    private long _sent;

    public StreamPair(Publication publication, Subscription subscription)
    {
        Publication = publication;
        Subscription = subscription;
        publication.LinkFailed += (_, e) => PublicationFailures.Add(e);
        publication.FailedOver += (_, e) => Failovers.Add(e);
        publication.LinkConnected += (_, e) => PublicationConnections.Add(e);
        subscription.LinkFailed += (_, e) => SubscriptionFailures.Add(e);
        subscription.LinkConnected += (_, e) => SubscriptionConnections.Add(e);
    }

    public Publication Publication { get; }

    public Subscription Subscription { get; }

    public List<LinkFailure> PublicationFailures { get; } = [];

    public List<LinkFailure> SubscriptionFailures { get; } = [];

    public List<FailoverEvent> Failovers { get; } = [];

    public List<LinkConnected> PublicationConnections { get; } = [];

    public List<LinkConnected> SubscriptionConnections { get; } = [];

    public long Sent => _sent;

    public long Delivered => _check.Count;

    public long Wrong => _check.Wrong;

    /// <summary>A stream name no other test uses.</summary>
    public static string NewName() => "t" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Adds the subscription, then the publication, of a new stream on <paramref name="fabric"/>.</summary>
    public static StreamPair Open(RdmaStack.Fabric fabric) => Open(fabric, fabric, NewName());

    /// <summary>The subscription on <paramref name="reading"/>, the publication on <paramref name="writing"/>.</summary>
    public static StreamPair Open(RdmaStack.Fabric writing, RdmaStack.Fabric reading, string name)
    {
        Subscription sub = reading.AddSubscription(name);
        return new StreamPair(writing.AddPublication(name), sub);
    }

    /// <summary>One round of both loops.</summary>
    public int Pump()
    {
        int work = Subscription.Poll(ref _check, 256);
        work += Subscription.DoWork() + Publication.DoWork();
        return work;
    }

    /// <summary>Pumps until <paramref name="condition"/> holds.</summary>
    public void PumpUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        long deadline = Environment.TickCount64 + (long)(timeout ?? DefaultTimeout).TotalMilliseconds;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, $"timed out waiting for {what}: {State()}");
            if (Pump() == 0)
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>Sends <paramref name="count"/> more messages (retrying what is transient) and waits until all arrived.
    /// <paramref name="strike"/>, if given, runs once just before message <paramref name="strikeAt"/> is offered, while
    /// the messages before it may still be on their way.</summary>
    public void Stream(long count, TimeSpan? timeout = null, long strikeAt = 0, Action? strike = null)
    {
        long target = _sent + count;
        byte[] message = new byte[Math.Min(32, Publication.MaxMessageLength)];
        long deadline = Environment.TickCount64 + (long)(timeout ?? DefaultTimeout).TotalMilliseconds;
        while (_check.Count < target)
        {
            Assert.True(Environment.TickCount64 < deadline, $"stuck streaming to {target}: {State()}");
            if (_sent < target)
            {
                if (strike is not null && _sent + 1 == strikeAt)
                {
                    strike();
                    strike = null;
                }

                StreamCheck.Fill(message, _sent + 1);
                long status = Publication.Offer(message);
                if (status > 0)
                {
                    Assert.Equal(_sent + 1, status);
                    _sent++;
                    continue;
                }

                Assert.True(QueueStatus.IsRetryable(status), $"offer {_sent + 1}: {QueueStatus.Describe(status)}");
            }

            if (Pump() == 0)
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>Pumps until every link of the publication is active or standby and the subscription has them all.</summary>
    public void WaitAllLinksUp()
    {
        PumpUntil(
            () => Enumerable.Range(0, Publication.LinkCount).All(i => Publication.GetLinkState(i) != LinkState.Failed)
                && Publication.IsConnected && Subscription.IsConnected,
            "every link up");
    }

    public void AssertExactlyOnceInOrder()
    {
        Assert.Equal(0, _check.Wrong);
        Assert.Equal(_sent, _check.Count);
    }

    public string State() =>
        $"sent {_sent}, delivered {_check.Count}, publication {Publication.Status} at {Publication.Position} (acknowledged {Publication.AcknowledgedPosition}), " +
        $"links {string.Join('/', Enumerable.Range(0, Publication.LinkCount).Select(Publication.GetLinkState))}, subscription at {Subscription.Position} " +
        $"connected {Subscription.IsConnected}; failures {string.Join("; ", PublicationFailures.Select(f => $"{f.Link}:{f.Cause}"))}";
}
