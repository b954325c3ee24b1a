using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// One client's orders (seeded, reproducible): new orders around the reference price (a few outside its band),
/// cancels and replaces of its own resting orders; and every reply it saw, checked to come once.
/// </summary>
internal sealed class OrderFlow : IReplyHandler
{
    private readonly Random _random;
    private readonly List<long> _resting = [];

    public OrderFlow(int seed) => _random = new Random(seed);

    public Dictionary<long, byte[]> Requests { get; } = [];

    public Dictionary<long, byte[]> Replies { get; } = [];

    public Dictionary<long, long> RecordSequences { get; } = [];

    public int DuplicateReplies { get; private set; }

    public int Submitted => Requests.Count;

    public int Next(Span<byte> destination)
    {
        int pick = _random.Next(100);
        if (pick < 20 && _resting.Count > 0)
        {
            long id = _resting[_random.Next(_resting.Count)];
            _resting.Remove(id);
            return OrderRequests.Cancel(destination, id);
        }

        if (pick < 32 && _resting.Count > 0)
        {
            long id = _resting[_random.Next(_resting.Count)];
            return OrderRequests.Replace(destination, id, 9_990 + _random.Next(21), 1 + _random.Next(12));
        }

        long price = pick >= 97 ? 20_000 : 9_985 + _random.Next(31);
        Side side = _random.Next(2) == 0 ? Side.Buy : Side.Sell;
        return OrderRequests.New(destination, side, price, 1 + _random.Next(10));
    }

    public void OnReply(long clientSequence, ReplyStatus status, long recordSequence, ReadOnlySpan<byte> output)
    {
        if (!Replies.TryAdd(clientSequence, output.ToArray()))
        {
            DuplicateReplies++;
            return;
        }

        RecordSequences[clientSequence] = recordSequence;
        if (status == ReplyStatus.Processed && output.Length == OrderReply.Length)
        {
            OrderReply reply = OrderReply.Read(output);
            if ((reply.Outcome == OrderOutcome.Accepted || reply.Outcome == OrderOutcome.Replaced) && reply.Resting > 0 && !_resting.Contains(reply.OrderId))
            {
                _resting.Add(reply.OrderId);
            }
        }
    }
}
