using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Tests.Transport;

/// <summary>The test double keeps the transport's semantics the replication code relies on.</summary>
public class InMemoryStreamTests
{
    [Fact]
    public void Delivers_in_order_once_and_back_pressures_when_full()
    {
        var stream = new InMemoryStream(maxMessageLength: 16, capacity: 3);
        Assert.Equal(1, stream.Offer([1]));
        Assert.Equal(2, stream.Offer([2]));
        Assert.Equal(3, stream.Offer([3]));
        Assert.Equal(QueueStatus.BackPressured, stream.Offer([4]));

        var seen = new Collector();
        Assert.Equal(2, stream.Poll(ref seen, 2));
        Assert.Equal(4, stream.Offer([4]));
        Assert.Equal(2, stream.Poll(ref seen, 10));
        Assert.Equal([1, 2, 3, 4], seen.Bytes);
        Assert.Equal([1L, 2, 3, 4], seen.Sequences);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Offer(new byte[17]));
    }

    [Fact]
    public void A_dead_writer_leaves_what_it_sent_readable_then_reports_the_peer_closed()
    {
        var stream = new InMemoryStream();
        stream.Offer([7]);
        stream.KillWriter();
        Assert.Equal(QueueStatus.Closed, stream.Offer([8]));
        Assert.False(stream.IsPeerClosed);
        var seen = new Collector();
        Assert.Equal(1, stream.Poll(ref seen, 10));
        Assert.True(stream.IsPeerClosed);

        var dropped = new InMemoryStream();
        dropped.Offer([7]);
        dropped.KillWriter(dropUndelivered: true);
        Assert.Equal(0, dropped.Poll(ref seen, 10));
        Assert.True(dropped.IsPeerClosed);

        var deadReader = new InMemoryStream();
        deadReader.KillReader();
        Assert.Equal(QueueStatus.NotConnected, deadReader.Offer([1]));
    }

    private struct Collector : IMessageHandler
    {
        public Collector()
        {
        }

        public List<byte> Bytes { get; } = [];

        public List<long> Sequences { get; } = [];

        public readonly void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            Bytes.Add(payload[0]);
            Sequences.Add(sequence);
        }
    }
}
