using System.Buffers.Binary;

namespace RdmaStack.Samples.OrderMatching;

/// <summary>
/// The engine's reply to one request:
/// <c>outcome u8 | reason u8 | order id i64 | filled i64 | resting i64 | fills i32 | notional i64 | timestamp i64 | reference price i64</c>.
/// </summary>
/// <param name="Outcome">What the engine did.</param>
/// <param name="Reason">Why it refused (None otherwise).</param>
/// <param name="OrderId">The order's id (the sequence of the input that created it).</param>
/// <param name="Filled">Quantity executed by this request.</param>
/// <param name="Resting">Quantity of the order left in the book.</param>
/// <param name="Fills">Resting orders this request traded with.</param>
/// <param name="Notional">Sum of price x quantity over those fills.</param>
/// <param name="Timestamp">The input's stamped time (UTC ticks).</param>
/// <param name="ReferencePrice">The reference price used for the band (0 if none was asked).</param>
public readonly record struct OrderReply(
    OrderOutcome Outcome, RejectReason Reason, long OrderId, long Filled, long Resting, int Fills, long Notional, long Timestamp, long ReferencePrice)
{
    /// <summary>Bytes of an encoded reply.</summary>
    public const int Length = 2 + (8 * 3) + 4 + (8 * 3);

    /// <summary>Writes the reply; returns <see cref="Length"/>.</summary>
    /// <param name="destination">At least <see cref="Length"/> bytes.</param>
    /// <returns>The bytes written.</returns>
    public int Write(Span<byte> destination)
    {
        destination[0] = (byte)Outcome;
        destination[1] = (byte)Reason;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], OrderId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[10..], Filled);
        BinaryPrimitives.WriteInt64LittleEndian(destination[18..], Resting);
        BinaryPrimitives.WriteInt32LittleEndian(destination[26..], Fills);
        BinaryPrimitives.WriteInt64LittleEndian(destination[30..], Notional);
        BinaryPrimitives.WriteInt64LittleEndian(destination[38..], Timestamp);
        BinaryPrimitives.WriteInt64LittleEndian(destination[46..], ReferencePrice);
        return Length;
    }

    /// <summary>Reads a reply written by <see cref="Write"/>.</summary>
    /// <param name="source">The reply bytes.</param>
    /// <returns>The reply.</returns>
    public static OrderReply Read(ReadOnlySpan<byte> source) => new(
        (OrderOutcome)source[0],
        (RejectReason)source[1],
        BinaryPrimitives.ReadInt64LittleEndian(source[2..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[10..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[18..]),
        BinaryPrimitives.ReadInt32LittleEndian(source[26..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[30..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[38..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[46..]));
}
