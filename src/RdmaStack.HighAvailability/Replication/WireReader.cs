using System.Buffers.Binary;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>Reads little-endian fields one after another from a span; a short message throws.</summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public WireReader(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    public byte Byte() => _buffer[_position++];

    public int Int32()
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(_buffer[_position..]);
        _position += 4;
        return value;
    }

    public long Int64()
    {
        long value = BinaryPrimitives.ReadInt64LittleEndian(_buffer[_position..]);
        _position += 8;
        return value;
    }

    public ulong UInt64() => (ulong)Int64();

    public ReadOnlySpan<byte> Bytes(int count)
    {
        ReadOnlySpan<byte> value = _buffer.Slice(_position, count);
        _position += count;
        return value;
    }

    /// <summary>Everything not read yet.</summary>
    public ReadOnlySpan<byte> Rest()
    {
        ReadOnlySpan<byte> value = _buffer[_position..];
        _position = _buffer.Length;
        return value;
    }
}
