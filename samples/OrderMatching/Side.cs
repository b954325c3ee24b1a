namespace RdmaStack.Samples.OrderMatching;

/// <summary>The side of an order.</summary>
public enum Side : byte
{
    /// <summary>A bid: buys at its price or lower.</summary>
    Buy = 1,

    /// <summary>An offer: sells at its price or higher.</summary>
    Sell = 2,
}
