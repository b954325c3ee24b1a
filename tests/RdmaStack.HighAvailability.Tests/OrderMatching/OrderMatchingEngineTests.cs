using System.Buffers;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.OrderMatching;

/// <summary>The sample's order book: price-time priority, new/cancel/replace, the price band, determinism.</summary>
public class OrderMatchingEngineTests
{
    private readonly OrderMatchingEngine _book = new();
    private readonly FixedPriceCalls _calls = new(10_000);
    private long _sequence;

    [Fact]
    public void An_incoming_order_fills_the_best_price_first_and_the_oldest_order_at_a_price_first()
    {
        OrderReply first = New(client: 1, Side.Sell, 10_010, 5);
        OrderReply second = New(client: 2, Side.Sell, 10_010, 5);
        OrderReply better = New(client: 3, Side.Sell, 10_005, 2);
        Assert.All([first, second, better], r => Assert.Equal((OrderOutcome.Accepted, 0L), (r.Outcome, r.Filled)));

        OrderReply buy = New(client: 4, Side.Buy, 10_010, 4);
        Assert.Equal(4, buy.Filled);
        Assert.Equal(0, buy.Resting);
        Assert.Equal(2, buy.Fills);
        Assert.Equal((2 * 10_005) + (2 * 10_010), buy.Notional); // at the resting orders' prices
        Assert.False(_book.TryGetResting(better.OrderId, out _));
        Assert.True(_book.TryGetResting(first.OrderId, out long left));
        Assert.Equal(3, left); // the older order at 10,010 traded first
        Assert.True(_book.TryGetResting(second.OrderId, out long untouched));
        Assert.Equal(5, untouched);

        OrderReply sweep = New(client: 4, Side.Buy, 10_020, 10);
        Assert.Equal((8L, 2L, 2), (sweep.Filled, sweep.Resting, sweep.Fills));
        Assert.Equal(1, _book.RestingOrders);
        Assert.Equal(10_010, _book.LastTradePrice);
        Assert.Equal(12, _book.Volume);
    }

    [Fact]
    public void Cancel_removes_only_the_owners_order()
    {
        OrderReply order = New(client: 1, Side.Buy, 9_990, 3);
        Assert.Equal(RejectReason.NotOwner, Cancel(client: 2, order.OrderId).Reason);
        Assert.Equal(RejectReason.UnknownOrder, Cancel(client: 1, 12345).Reason);
        Assert.Equal(OrderOutcome.Cancelled, Cancel(client: 1, order.OrderId).Outcome);
        Assert.Equal(0, _book.RestingOrders);
        Assert.Equal(RejectReason.UnknownOrder, Cancel(client: 1, order.OrderId).Reason);
    }

    [Fact]
    public void Replace_keeps_time_priority_only_for_a_smaller_quantity_at_the_same_price()
    {
        OrderReply a = New(client: 1, Side.Sell, 10_000, 5);
        OrderReply b = New(client: 2, Side.Sell, 10_000, 5);
        Assert.Equal(OrderOutcome.Replaced, Replace(client: 1, a.OrderId, 10_000, 4).Outcome); // stays first
        Assert.Equal(4, New(client: 3, Side.Buy, 10_000, 4).Filled);
        Assert.False(_book.TryGetResting(a.OrderId, out _));

        OrderReply c = New(client: 1, Side.Sell, 10_000, 5);
        Assert.Equal(OrderOutcome.Replaced, Replace(client: 2, b.OrderId, 10_000, 6).Outcome); // larger: goes behind c
        Assert.Equal(5, New(client: 3, Side.Buy, 10_000, 5).Filled);
        Assert.False(_book.TryGetResting(c.OrderId, out _));
        Assert.True(_book.TryGetResting(b.OrderId, out long quantity));
        Assert.Equal(6, quantity);

        OrderReply crossing = Replace(client: 2, b.OrderId, 9_995, 6); // a new price that now crosses a bid
        Assert.Equal(0, crossing.Filled);
        New(client: 4, Side.Buy, 9_996, 2);
        Assert.True(_book.TryGetResting(b.OrderId, out quantity));
        Assert.Equal(4, quantity);
    }

    [Fact]
    public void Prices_outside_the_band_or_without_a_reference_are_refused()
    {
        OrderReply far = New(client: 1, Side.Buy, 12_000, 1);
        Assert.Equal((OrderOutcome.Rejected, RejectReason.OutsidePriceBand, 10_000L), (far.Outcome, far.Reason, far.ReferencePrice));
        _calls.Unavailable = true;
        Assert.Equal(RejectReason.ReferencePriceUnavailable, New(client: 1, Side.Buy, 10_000, 1).Reason);
        Assert.Equal(RejectReason.Malformed, New(client: 1, Side.Buy, 10_000, 0).Reason);
        Assert.Equal(0, _book.RestingOrders);
    }

    [Fact]
    public void A_snapshot_restores_the_same_state_and_the_same_future()
    {
        var random = new Random(11);
        for (int i = 0; i < 300; i++)
        {
            New(client: 1 + random.Next(3), random.Next(2) == 0 ? Side.Buy : Side.Sell, 9_980 + random.Next(41), 1 + random.Next(9));
        }

        var snapshot = new ArrayBufferWriter<byte>();
        _book.WriteSnapshot(snapshot);
        var copy = new OrderMatchingEngine();
        copy.RestoreSnapshot(snapshot.WrittenSpan);
        Assert.Equal(_book.ComputeStateDigest(), copy.ComputeStateDigest());
        Assert.Equal(_book.RestingOrders, copy.RestingOrders);

        byte[] request = new byte[OrderRequests.MaxLength];
        byte[] left = new byte[OrderReply.Length];
        byte[] right = new byte[OrderReply.Length];
        for (int i = 0; i < 100; i++)
        {
            int length = OrderRequests.New(request, i % 2 == 0 ? Side.Buy : Side.Sell, 9_990 + (i % 21), 3);
            var input = new StampedInput(1000 + i, 5000 + i, 1, 1000 + i, request.AsSpan(0, length));
            _book.Process(input, _calls, left);
            copy.Process(input, _calls, right);
            Assert.Equal(left, right);
        }

        Assert.Equal(_book.ComputeStateDigest(), copy.ComputeStateDigest());
        New(client: 1, Side.Buy, 9_981, 1);
        Assert.NotEqual(_book.ComputeStateDigest(), copy.ComputeStateDigest());
    }

    private OrderReply New(long client, Side side, long price, long quantity)
    {
        byte[] request = new byte[OrderRequests.MaxLength];
        return Process(client, request.AsSpan(0, OrderRequests.New(request, side, price, quantity)));
    }

    private OrderReply Cancel(long client, long orderId)
    {
        byte[] request = new byte[OrderRequests.MaxLength];
        return Process(client, request.AsSpan(0, OrderRequests.Cancel(request, orderId)));
    }

    private OrderReply Replace(long client, long orderId, long price, long quantity)
    {
        byte[] request = new byte[OrderRequests.MaxLength];
        return Process(client, request.AsSpan(0, OrderRequests.Replace(request, orderId, price, quantity)));
    }

    private OrderReply Process(long client, ReadOnlySpan<byte> request)
    {
        _sequence++;
        byte[] output = new byte[OrderReply.Length];
        int length = _book.Process(new StampedInput(_sequence, _sequence * 100, client, _sequence, request), _calls, output);
        Assert.Equal(OrderReply.Length, length);
        return OrderReply.Read(output);
    }
}
