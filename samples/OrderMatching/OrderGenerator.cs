namespace RdmaStack.Samples.OrderMatching;

/// <summary>
/// One client's order flow, seeded and reproducible: new orders around the reference price (a few outside its band),
/// cancels and replaces of the client's own resting orders, which it learns from the replies.
/// </summary>
/// <remarks>Single-threaded. Allocates only when the client's set of resting orders grows.</remarks>
public sealed class OrderGenerator
{
    private readonly Random _random;
    private readonly List<long> _resting = [];

    /// <summary>Creates a flow.</summary>
    /// <param name="seed">The seed: the same seed and the same replies give the same orders.</param>
    public OrderGenerator(int seed) => _random = new Random(seed);

    /// <summary>Orders of this client resting in the book, as far as the replies told.</summary>
    public int Resting => _resting.Count;

    /// <summary>Writes the next request.</summary>
    /// <param name="destination">At least <see cref="OrderRequests.MaxLength"/> bytes.</param>
    /// <returns>The request's length.</returns>
    public int Next(Span<byte> destination)
    {
        int pick = _random.Next(100);
        if (pick < 20 && _resting.Count > 0)
        {
            int index = _random.Next(_resting.Count);
            long id = _resting[index];
            _resting.RemoveAt(index);
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

    /// <summary>Learns from a processed request's reply which of the client's orders rest.</summary>
    /// <param name="output">The engine's output for the request.</param>
    public void OnReply(ReadOnlySpan<byte> output)
    {
        if (output.Length != OrderReply.Length)
        {
            return;
        }

        OrderReply reply = OrderReply.Read(output);
        if ((reply.Outcome == OrderOutcome.Accepted || reply.Outcome == OrderOutcome.Replaced) && reply.Resting > 0 && !_resting.Contains(reply.OrderId))
        {
            _resting.Add(reply.OrderId);
        }
    }
}
