using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// One client's orders, reproducible from a seed: new limit orders around the reference price (a few outside its band),
/// and cancels and replaces of the client's own orders still resting (learnt from the agreed replies).
/// </summary>
internal sealed class OrderSource(int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<long> _resting = [];

    public int Next(Span<byte> destination)
    {
        int pick = _random.Next(100);
        if (pick < 15 && _resting.Count > 0)
        {
            int at = _random.Next(_resting.Count);
            long id = _resting[at];
            _resting.RemoveAt(at);
            return OrderRequests.Cancel(destination, id);
        }

        if (pick < 25 && _resting.Count > 0)
        {
            return OrderRequests.Replace(destination, _resting[_random.Next(_resting.Count)], 9_990 + _random.Next(21), 1 + _random.Next(12));
        }

        long price = pick >= 98 ? 30_000 : 9_985 + _random.Next(31);
        return OrderRequests.New(destination, _random.Next(2) == 0 ? Side.Buy : Side.Sell, price, 1 + _random.Next(10));
    }

    /// <summary>An agreed reply: an order of this client that rests is a candidate for a later cancel or replace.</summary>
    public void Learn(ReadOnlySpan<byte> reply)
    {
        if (reply.Length != OrderReply.Length)
        {
            return;
        }

        OrderReply order = OrderReply.Read(reply);
        if (order.Outcome is OrderOutcome.Accepted && order.Resting > 0 && _resting.Count < 64)
        {
            _resting.Add(order.OrderId);
        }
    }
}
