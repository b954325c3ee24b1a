namespace RdmaStack.Samples.OrderMatching;

/// <summary>An order resting in the book.</summary>
internal sealed class RestingOrder(long id, long clientId, Side side, long price, long quantity, long timestamp)
{
    public long Id { get; } = id;

    public long ClientId { get; } = clientId;

    public Side Side { get; } = side;

    public long Price { get; set; } = price;

    public long Quantity { get; set; } = quantity;

    /// <summary>The stamped time it entered the book (its time priority).</summary>
    public long Timestamp { get; set; } = timestamp;

    /// <summary>Its place in its price level's queue.</summary>
    public LinkedListNode<RestingOrder>? Node { get; set; }
}
