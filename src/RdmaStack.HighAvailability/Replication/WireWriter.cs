using System.Buffers.Binary;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>Writes little-endian fields one after another into a span.</summary>
internal ref struct WireWriter
{
    private readonly Span<byte> _buffer;

    public WireWriter(Span<byte> buffer) => _buffer = buffer;

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[..Length];

    public void Byte(byte value) => _buffer[Length++] = value;

    public void Type(MessageType type) => Byte((byte)type);

    public void Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer[Length..], value);
        Length += 4;
    }

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer[Length..], value);
        Length += 8;
    }

    public void UInt64(ulong value) => Int64((long)value);

    public void Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[Length..]);
        Length += value.Length;
    }

    /// <summary>The rest of the buffer, for a caller that writes in place and then calls <see cref="Advance"/>.</summary>
    public readonly Span<byte> Remaining => _buffer[Length..];

    public void Advance(int count) => Length += count;
}
