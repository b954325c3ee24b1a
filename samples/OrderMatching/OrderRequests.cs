using System.Buffers.Binary;

namespace RdmaStack.Samples.OrderMatching;

/// <summary>Encodes the requests the order matching engine takes (little-endian, see <see cref="OrderCommand"/>).</summary>
public static class OrderRequests
{
    /// <summary>The longest request.</summary>
    public const int MaxLength = 1 + (8 * 3);

    /// <summary>Writes a new limit order.</summary>
    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <param name="side">Buy or sell.</param>
    /// <param name="price">The limit price, in ticks.</param>
    /// <param name="quantity">The quantity.</param>
    /// <returns>The bytes written.</returns>
    public static int New(Span<byte> destination, Side side, long price, long quantity)
    {
        destination[0] = (byte)OrderCommand.New;
        destination[1] = (byte)side;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], price);
        BinaryPrimitives.WriteInt64LittleEndian(destination[10..], quantity);
        return 18;
    }

    /// <summary>Writes a cancel.</summary>
    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <param name="orderId">The order to cancel.</param>
    /// <returns>The bytes written.</returns>
    public static int Cancel(Span<byte> destination, long orderId)
    {
        destination[0] = (byte)OrderCommand.Cancel;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..], orderId);
        return 9;
    }

    /// <summary>Writes a replace (cancel/replace of price and quantity).</summary>
    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <param name="orderId">The order to replace.</param>
    /// <param name="price">The new price.</param>
    /// <param name="quantity">The new quantity (of the remaining order).</param>
    /// <returns>The bytes written.</returns>
    public static int Replace(Span<byte> destination, long orderId, long price, long quantity)
    {
        destination[0] = (byte)OrderCommand.Replace;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..], orderId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], price);
        BinaryPrimitives.WriteInt64LittleEndian(destination[17..], quantity);
        return MaxLength;
    }
}
