using System.Buffers;
using System.Buffers.Binary;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.Samples.OrderMatching;

/// <summary>
/// A limit order book for one instrument with price-time priority: new, cancel and replace; an incoming order
/// trades with the best-priced resting orders, oldest first at each price, at the resting order's price, and
/// its remainder rests. Before a new price enters, the engine asks the reference-price service (external
/// service <see cref="ReferencePriceServiceIndex"/>) and refuses prices outside the band around it.
/// </summary>
/// <remarks>
/// Deterministic: order ids are the input sequences, times are the input stamps, the reference price comes
/// through <see cref="IExternalCalls"/>, and the digest and snapshot walk the book in price-time order.
/// </remarks>
public sealed class OrderMatchingEngine : IDeterministicEngine
{
    /// <summary>The index of the reference-price service among the replica's external services.</summary>
    public const int ReferencePriceServiceIndex = 0;

    private const int OrderSnapshotLength = 8 + 8 + 1 + 8 + 8 + 8;

    private readonly SortedDictionary<long, LinkedList<RestingOrder>> _bids = new(Comparer<long>.Create(static (a, b) => b.CompareTo(a)));
    private readonly SortedDictionary<long, LinkedList<RestingOrder>> _asks = [];
    private readonly Dictionary<long, RestingOrder> _orders = [];

    /// <summary>Creates an empty book.</summary>
    /// <param name="priceBandPercent">How far from the reference price (in percent) a price may be.</param>
    public OrderMatchingEngine(int priceBandPercent = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priceBandPercent);
        PriceBandPercent = priceBandPercent;
    }

    /// <summary>How far from the reference price (in percent) a price may be.</summary>
    public int PriceBandPercent { get; }

    /// <summary>Fills so far.</summary>
    public long Trades { get; private set; }

    /// <summary>Quantity traded so far.</summary>
    public long Volume { get; private set; }

    /// <summary>The price of the last fill (0: none).</summary>
    public long LastTradePrice { get; private set; }

    /// <summary>Orders resting in the book.</summary>
    public int RestingOrders => _orders.Count;

    /// <summary>Whether order <paramref name="orderId"/> rests in the book, and with what quantity.</summary>
    /// <param name="orderId">The order id.</param>
    /// <param name="quantity">Its remaining quantity.</param>
    /// <returns>True if it rests.</returns>
    public bool TryGetResting(long orderId, out long quantity)
    {
        bool found = _orders.TryGetValue(orderId, out RestingOrder? order);
        quantity = found ? order!.Quantity : 0;
        return found;
    }

    /// <inheritdoc/>
    public int Process(StampedInput input, IExternalCalls calls, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ReadOnlySpan<byte> request = input.Payload;
        OrderReply reply = request.IsEmpty ? Reject(input, 0, RejectReason.Malformed, 0) : (OrderCommand)request[0] switch
        {
            OrderCommand.New when request.Length == 18 => OnNew(input, calls, request),
            OrderCommand.Cancel when request.Length == 9 => OnCancel(input, BinaryPrimitives.ReadInt64LittleEndian(request[1..])),
            OrderCommand.Replace when request.Length == OrderRequests.MaxLength => OnReplace(input, calls, request),
            _ => Reject(input, 0, RejectReason.Malformed, 0),
        };
        return reply.Write(output);
    }

    /// <inheritdoc/>
    public ulong ComputeStateDigest()
    {
        var digest = new DigestBuilder(0x0B00C);
        digest.Add(Trades);
        digest.Add(Volume);
        digest.Add(LastTradePrice);
        digest.Add(_orders.Count);
        foreach (RestingOrder order in InPriceTimeOrder())
        {
            digest.Add(order.Id);
            digest.Add(order.ClientId);
            digest.Add((long)order.Side);
            digest.Add(order.Price);
            digest.Add(order.Quantity);
            digest.Add(order.Timestamp);
        }

        return digest.Value;
    }

    /// <inheritdoc/>
    public void WriteSnapshot(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int length = (8 * 3) + 4 + (_orders.Count * OrderSnapshotLength);
        Span<byte> span = destination.GetSpan(length);
        BinaryPrimitives.WriteInt64LittleEndian(span, Trades);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], Volume);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], LastTradePrice);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], _orders.Count);
        int offset = 28;
        foreach (RestingOrder order in InPriceTimeOrder())
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[offset..], order.Id);
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 8)..], order.ClientId);
            span[offset + 16] = (byte)order.Side;
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 17)..], order.Price);
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 25)..], order.Quantity);
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 33)..], order.Timestamp);
            offset += OrderSnapshotLength;
        }

        destination.Advance(length);
    }

    /// <inheritdoc/>
    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot)
    {
        _bids.Clear();
        _asks.Clear();
        _orders.Clear();
        Trades = BinaryPrimitives.ReadInt64LittleEndian(snapshot);
        Volume = BinaryPrimitives.ReadInt64LittleEndian(snapshot[8..]);
        LastTradePrice = BinaryPrimitives.ReadInt64LittleEndian(snapshot[16..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(snapshot[24..]);
        int offset = 28;
        for (int i = 0; i < count; i++)
        {
            Rest(new RestingOrder(
                BinaryPrimitives.ReadInt64LittleEndian(snapshot[offset..]),
                BinaryPrimitives.ReadInt64LittleEndian(snapshot[(offset + 8)..]),
                (Side)snapshot[offset + 16],
                BinaryPrimitives.ReadInt64LittleEndian(snapshot[(offset + 17)..]),
                BinaryPrimitives.ReadInt64LittleEndian(snapshot[(offset + 25)..]),
                BinaryPrimitives.ReadInt64LittleEndian(snapshot[(offset + 33)..])));
            offset += OrderSnapshotLength;
        }
    }

    private OrderReply OnNew(StampedInput input, IExternalCalls calls, ReadOnlySpan<byte> request)
    {
        var side = (Side)request[1];
        long price = BinaryPrimitives.ReadInt64LittleEndian(request[2..]);
        long quantity = BinaryPrimitives.ReadInt64LittleEndian(request[10..]);
        if ((side != Side.Buy && side != Side.Sell) || price <= 0 || quantity <= 0)
        {
            return Reject(input, input.Sequence, RejectReason.Malformed, 0);
        }

        RejectReason band = CheckPriceBand(calls, price, out long reference);
        if (band != RejectReason.None)
        {
            return Reject(input, input.Sequence, band, reference);
        }

        var order = new RestingOrder(input.Sequence, input.ClientId, side, price, quantity, input.Timestamp);
        return Enter(input, order, OrderOutcome.Accepted, reference);
    }

    private OrderReply OnCancel(StampedInput input, long orderId)
    {
        if (!_orders.TryGetValue(orderId, out RestingOrder? order))
        {
            return Reject(input, orderId, RejectReason.UnknownOrder, 0);
        }

        if (order.ClientId != input.ClientId)
        {
            return Reject(input, orderId, RejectReason.NotOwner, 0);
        }

        Remove(order);
        return new OrderReply(OrderOutcome.Cancelled, RejectReason.None, orderId, 0, 0, 0, 0, input.Timestamp, 0);
    }

    private OrderReply OnReplace(StampedInput input, IExternalCalls calls, ReadOnlySpan<byte> request)
    {
        long orderId = BinaryPrimitives.ReadInt64LittleEndian(request[1..]);
        long price = BinaryPrimitives.ReadInt64LittleEndian(request[9..]);
        long quantity = BinaryPrimitives.ReadInt64LittleEndian(request[17..]);
        if (!_orders.TryGetValue(orderId, out RestingOrder? order))
        {
            return Reject(input, orderId, RejectReason.UnknownOrder, 0);
        }

        if (order.ClientId != input.ClientId)
        {
            return Reject(input, orderId, RejectReason.NotOwner, 0);
        }

        if (price <= 0 || quantity <= 0)
        {
            return Reject(input, orderId, RejectReason.Malformed, 0);
        }

        if (price == order.Price && quantity <= order.Quantity)
        {
            // Same price, smaller or equal quantity: the order keeps its place in the queue.
            order.Quantity = quantity;
            return new OrderReply(OrderOutcome.Replaced, RejectReason.None, orderId, 0, quantity, 0, 0, input.Timestamp, 0);
        }

        long reference = 0;
        if (price != order.Price)
        {
            RejectReason band = CheckPriceBand(calls, price, out reference);
            if (band != RejectReason.None)
            {
                return Reject(input, orderId, band, reference);
            }
        }

        // A new price or a larger quantity: the order loses its time priority and enters again.
        Remove(order);
        var replaced = new RestingOrder(orderId, order.ClientId, order.Side, price, quantity, input.Timestamp);
        return Enter(input, replaced, OrderOutcome.Replaced, reference);
    }

    /// <summary>Matches an incoming order against the other side, then rests its remainder.</summary>
    private OrderReply Enter(StampedInput input, RestingOrder order, OrderOutcome outcome, long reference)
    {
        SortedDictionary<long, LinkedList<RestingOrder>> opposite = order.Side == Side.Buy ? _asks : _bids;
        long filled = 0;
        long notional = 0;
        int fills = 0;
        while (order.Quantity > 0 && opposite.Count > 0)
        {
            (long levelPrice, LinkedList<RestingOrder> level) = First(opposite);
            if (order.Side == Side.Buy ? levelPrice > order.Price : levelPrice < order.Price)
            {
                break;
            }

            RestingOrder maker = level.First!.Value;
            long quantity = Math.Min(order.Quantity, maker.Quantity);
            maker.Quantity -= quantity;
            order.Quantity -= quantity;
            filled += quantity;
            notional += quantity * levelPrice;
            fills++;
            Trades++;
            Volume += quantity;
            LastTradePrice = levelPrice;
            if (maker.Quantity == 0)
            {
                Remove(maker);
            }
        }

        if (order.Quantity > 0)
        {
            Rest(order);
        }

        return new OrderReply(outcome, RejectReason.None, order.Id, filled, order.Quantity, fills, notional, input.Timestamp, reference);
    }

    private RejectReason CheckPriceBand(IExternalCalls calls, long price, out long reference)
    {
        Span<byte> request = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(request, 1); // the instrument
        Span<byte> response = stackalloc byte[8];
        ExternalCallResult result = calls.Invoke(ReferencePriceServiceIndex, request, response);
        if (!result.IsCompleted || result.Length != 8)
        {
            reference = 0;
            return RejectReason.ReferencePriceUnavailable;
        }

        reference = BinaryPrimitives.ReadInt64LittleEndian(response);
        long band = reference * PriceBandPercent / 100;
        return price < reference - band || price > reference + band ? RejectReason.OutsidePriceBand : RejectReason.None;
    }

    private static OrderReply Reject(StampedInput input, long orderId, RejectReason reason, long reference) =>
        new(OrderOutcome.Rejected, reason, orderId, 0, 0, 0, 0, input.Timestamp, reference);

    private void Rest(RestingOrder order)
    {
        SortedDictionary<long, LinkedList<RestingOrder>> side = order.Side == Side.Buy ? _bids : _asks;
        if (!side.TryGetValue(order.Price, out LinkedList<RestingOrder>? level))
        {
            level = new LinkedList<RestingOrder>();
            side.Add(order.Price, level);
        }

        order.Node = level.AddLast(order);
        _orders.Add(order.Id, order);
    }

    private void Remove(RestingOrder order)
    {
        SortedDictionary<long, LinkedList<RestingOrder>> side = order.Side == Side.Buy ? _bids : _asks;
        LinkedList<RestingOrder> level = side[order.Price];
        level.Remove(order.Node!);
        order.Node = null;
        if (level.Count == 0)
        {
            side.Remove(order.Price);
        }

        _orders.Remove(order.Id);
    }

    private static (long Price, LinkedList<RestingOrder> Level) First(SortedDictionary<long, LinkedList<RestingOrder>> side)
    {
        using SortedDictionary<long, LinkedList<RestingOrder>>.Enumerator levels = side.GetEnumerator();
        levels.MoveNext();
        return (levels.Current.Key, levels.Current.Value);
    }

    private IEnumerable<RestingOrder> InPriceTimeOrder()
    {
        foreach (LinkedList<RestingOrder> level in _bids.Values)
        {
            foreach (RestingOrder order in level)
            {
                yield return order;
            }
        }

        foreach (LinkedList<RestingOrder> level in _asks.Values)
        {
            foreach (RestingOrder order in level)
            {
                yield return order;
            }
        }
    }
}
