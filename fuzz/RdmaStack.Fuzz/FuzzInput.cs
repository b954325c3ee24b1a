using System.Buffers.Binary;

namespace RdmaStack.Fuzz;

/// <summary>A cursor over a fuzz input: each read takes the next bytes, and reads past the end give zeros, so every
/// input, however short, is a complete script.</summary>
internal ref struct FuzzInput(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool HasMore => _position < _data.Length;

    public byte Byte() => _position < _data.Length ? _data[_position++] : (byte)0;

    public ushort UInt16() => (ushort)(Byte() | (Byte() << 8));

    public long Int64()
    {
        Span<byte> bytes = stackalloc byte[8];
        Take(bytes);
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    /// <summary>Fills <paramref name="destination"/> with the next bytes (zeros past the end).</summary>
    public void Take(scoped Span<byte> destination)
    {
        int n = Math.Min(destination.Length, _data.Length - _position);
        _data.Slice(_position, n).CopyTo(destination);
        destination[n..].Clear();
        _position += n;
    }
}
