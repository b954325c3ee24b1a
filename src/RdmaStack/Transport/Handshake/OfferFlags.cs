namespace RdmaStack.Transport.Handshake;

/// <summary>Bits of <see cref="ConnectionOffer.Flags"/>.</summary>
internal static class OfferFlags
{
    /// <summary>The peer's port is a native InfiniBand port: address it by LID.</summary>
    public const byte InfiniBand = 0x01;
}
