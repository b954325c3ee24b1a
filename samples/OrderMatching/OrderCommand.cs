namespace RdmaStack.Samples.OrderMatching;

/// <summary>The first byte of a request to the order matching engine.</summary>
public enum OrderCommand : byte
{
    /// <summary>A new limit order: side u8 | price i64 | quantity i64.</summary>
    New = 1,

    /// <summary>Cancel a resting order: order id i64.</summary>
    Cancel = 2,

    /// <summary>Replace a resting order's price and quantity: order id i64 | price i64 | quantity i64.</summary>
    Replace = 3,
}
