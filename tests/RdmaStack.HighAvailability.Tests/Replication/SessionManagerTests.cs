using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Tests.Transport;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>The session manager on one replica, driven on the test's thread.</summary>
public class SessionManagerTests
{
    [Fact]
    public void A_repeat_is_answered_from_its_record_and_not_processed_again()
    {
        using var node = NewPrimary(window: 4);
        (InMemoryStream requests, InMemoryStream replies) = Connect(node);
        byte[] order = new byte[OrderRequests.MaxLength];
        int length = OrderRequests.New(order, Side.Buy, 10_000, 5);

        Send(requests, clientId: 9, clientSequence: 1, order.AsSpan(0, length));
        Send(requests, clientId: 9, clientSequence: 1, order.AsSpan(0, length));
        Dictionary<long, List<(ReplyStatus Status, long Record, byte[] Output)>> seen = Pump(node, replies, expected: 2);

        List<(ReplyStatus Status, long Record, byte[] Output)> answers = seen[1];
        Assert.Equal(2, answers.Count);
        Assert.Equal(answers[0].Output, answers[1].Output);
        Assert.All(answers, a => Assert.Equal((ReplyStatus.Processed, 1L), (a.Status, a.Record)));
        Assert.Equal(1, node.InputsProcessed);
        Assert.Equal(1, node.RepeatsAnswered);
    }

    [Fact]
    public void A_repeat_beyond_the_window_is_too_old_and_an_oversized_request_is_rejected()
    {
        using var node = NewPrimary(window: 4);
        (InMemoryStream requests, InMemoryStream replies) = Connect(node);
        byte[] order = new byte[OrderRequests.MaxLength];
        int length = OrderRequests.New(order, Side.Sell, 10_001, 1);
        for (long sequence = 1; sequence <= 6; sequence++)
        {
            Send(requests, 3, sequence, order.AsSpan(0, length));
        }

        Send(requests, 3, 1, order.AsSpan(0, length)); // its reply slot now holds request 5's
        Send(requests, 3, 7, new byte[MaxRequest + 1]);
        Dictionary<long, List<(ReplyStatus Status, long Record, byte[] Output)>> seen = Pump(node, replies, expected: 8);

        Assert.Equal(ReplyStatus.TooOld, seen[1][1].Status);
        Assert.Equal(ReplyStatus.Rejected, Assert.Single(seen[7]).Status);
        Assert.Equal(6, node.InputsProcessed);
    }

    [Fact]
    public void A_backup_refuses_requests_as_not_primary()
    {
        using var node = new ReplicaNode(Options(ReplicaRole.Backup, 4), new OrderMatchingEngine(), [new ReferencePriceService()]);
        (InMemoryStream requests, InMemoryStream replies) = Connect(node);
        Send(requests, 1, 1, [1]);
        Dictionary<long, List<(ReplyStatus Status, long Record, byte[] Output)>> seen = Pump(node, replies, expected: 1);
        Assert.Equal(ReplyStatus.NotPrimary, Assert.Single(seen[1]).Status);
        Assert.Equal(0, node.InputsProcessed);
    }

    private const int MaxRequest = ReplicaCluster.MaxMessage - ReplicaOptions.InputHeaderLength;

    private static ReplicaOptions Options(ReplicaRole role, int window) => new()
    {
        InitialRole = role,
        MaxMessageLength = ReplicaCluster.MaxMessage,
        MaxCallResponseLength = 64,
        SessionWindow = window,
    };

    private static ReplicaNode NewPrimary(int window) =>
        new(Options(ReplicaRole.Primary, window), new OrderMatchingEngine(), [new ReferencePriceService()]);

    private static (InMemoryStream Requests, InMemoryStream Replies) Connect(ReplicaNode node)
    {
        var requests = new InMemoryStream(ReplicaCluster.MaxMessage);
        var replies = new InMemoryStream(ReplicaCluster.MaxMessage);
        node.AddClient(requests, replies);
        return (requests, replies);
    }

    private static void Send(InMemoryStream requests, long clientId, long clientSequence, ReadOnlySpan<byte> payload) =>
        SteppedPair.Send(requests, clientId, clientSequence, payload);

    private static Dictionary<long, List<(ReplyStatus Status, long Record, byte[] Output)>> Pump(ReplicaNode node, InMemoryStream replies, int expected)
    {
        var all = new Dictionary<long, List<(ReplyStatus, long, byte[])>>();
        var latest = new Dictionary<long, (ReplyStatus Status, long Record, byte[] Output)>();
        var collector = new ReplyCollector(latest);
        int received = 0;
        for (int pass = 0; pass < 10_000 && received < expected; pass++)
        {
            node.DoWork();
            while (replies.Poll(ref collector, 1) > 0)
            {
                foreach ((long sequence, (ReplyStatus, long, byte[]) reply) in latest)
                {
                    all.TryAdd(sequence, []);
                    all[sequence].Add(reply);
                }

                received += latest.Count; // a term announcement adds nothing
                latest.Clear();
            }
        }

        Assert.Equal(expected, received);
        return all;
    }
}
