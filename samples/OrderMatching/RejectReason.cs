namespace RdmaStack.Samples.OrderMatching;

/// <summary>Why a request was refused.</summary>
public enum RejectReason : byte
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>The request does not parse, or its price or quantity is not positive.</summary>
    Malformed = 1,

    /// <summary>The price is outside the band around the reference price.</summary>
    OutsidePriceBand = 2,

    /// <summary>The reference-price service did not answer, so no price band could be checked.</summary>
    ReferencePriceUnavailable = 3,

    /// <summary>No resting order has that id.</summary>
    UnknownOrder = 4,

    /// <summary>The order belongs to another client.</summary>
    NotOwner = 5,
}
