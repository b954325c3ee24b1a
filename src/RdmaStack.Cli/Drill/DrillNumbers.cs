using System.Buffers.Binary;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// The few numbers the two sides of a drill exchange over the fabric itself, one 8-byte message (little-endian) per
/// number, so they fit the smallest slot (8 B): the plan (the count of data messages, the first message of the data
/// stream) and, across two hosts, the receiver's verdict (a stream of its own, back to the client).
/// </summary>
internal static class DrillNumbers
{
    /// <summary>The length of one number's message.</summary>
    public const int MessageLength = sizeof(long);

    /// <summary>Offers <paramref name="value"/> as one message.</summary>
    /// <param name="publication">The stream.</param>
    /// <param name="value">The number.</param>
    /// <returns>What <see cref="Publication.Offer"/> returned.</returns>
    public static long Offer(Publication publication, long value)
    {
        Span<byte> message = stackalloc byte[MessageLength];
        BinaryPrimitives.WriteInt64LittleEndian(message, value);
        return publication.Offer(message);
    }

    /// <summary>Reads one number's message.</summary>
    /// <param name="payload">The message.</param>
    /// <param name="value">The number.</param>
    /// <returns>False if the message is not one number.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long value)
    {
        if (payload.Length != MessageLength)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt64LittleEndian(payload);
        return true;
    }
}
