namespace RdmaStack.Transport.Handshake;

/// <summary>Bits of <see cref="ConnectionOffer.Flags"/>.</summary>
internal static class OfferFlags
{
    /// <summary>The peer's port is a native InfiniBand port: address it by LID.</summary>
    public const byte InfiniBand = 0x01;

    /// <summary>This side checksums every slot (its channel's writes can tear: RDMA, or a channel under fault
    /// injection). Negotiated, not compared: if either side sets it, both use CRC-32C on the link, since a writer
    /// and a reader that disagree on the slot check would never deliver a message.</summary>
    public const byte Checksummed = 0x02;

    /// <summary>The bits that are negotiated (combined with OR) rather than required to match.</summary>
    public const byte Negotiated = Checksummed;

    /// <summary>Whether a link whose two sides offered these flags checksums its slots.</summary>
    /// <param name="local">This side's flags.</param>
    /// <param name="peer">The peer's flags.</param>
    /// <returns>True if either side asked for checksums.</returns>
    public static bool ChecksumsSlots(byte local, byte peer) => ((local | peer) & Checksummed) != 0;
}
