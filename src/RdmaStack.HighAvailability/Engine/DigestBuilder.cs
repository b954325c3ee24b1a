using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace RdmaStack.HighAvailability.Engine;

/// <summary>
/// A 64-bit digest of a sequence of values and bytes, the same on every machine (fixed constants, little-endian
/// reads, no per-process seed). For state digests and output digests; not a cryptographic hash.
/// </summary>
/// <remarks>
/// Each 64-bit word is mixed into the state with a multiply and rotate (the core of xxHash64's round), and
/// <see cref="Value"/> applies xxHash64's final avalanche, so that one flipped bit anywhere changes about half
/// the bits of the result.
/// </remarks>
public struct DigestBuilder
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;

    private ulong _state;
    private long _length;

    /// <summary>Starts a digest from a seed (use different seeds for unrelated kinds of digest).</summary>
    /// <param name="seed">The seed.</param>
    public DigestBuilder(ulong seed) => _state = seed + Prime3;

    /// <summary>Mixes in one 64-bit value.</summary>
    /// <param name="value">The value.</param>
    public void Add(long value)
    {
        _state = BitOperations.RotateLeft(_state ^ Round((ulong)value), 27) * Prime1 + Prime3;
        _length += 8;
    }

    /// <summary>Mixes in a run of bytes (their length first, so that boundaries count).</summary>
    /// <param name="bytes">The bytes.</param>
    public void Add(ReadOnlySpan<byte> bytes)
    {
        Add(bytes.Length);
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong word in words)
        {
            Add((long)(BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word)));
        }

        int rest = bytes.Length & 7;
        if (rest != 0)
        {
            Span<byte> tail = stackalloc byte[8];
            tail.Clear();
            bytes[^rest..].CopyTo(tail);
            Add(BinaryPrimitives.ReadInt64LittleEndian(tail));
        }
    }

    /// <summary>The digest of everything added so far.</summary>
    public readonly ulong Value
    {
        get
        {
            ulong h = _state ^ (ulong)_length;
            h ^= h >> 33;
            h *= Prime2;
            h ^= h >> 29;
            h *= Prime3;
            h ^= h >> 32;
            return h;
        }
    }

    /// <summary>The digest of one run of bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The digest.</returns>
    public static ulong Of(ReadOnlySpan<byte> bytes, ulong seed = 0)
    {
        var builder = new DigestBuilder(seed);
        builder.Add(bytes);
        return builder.Value;
    }

    private static ulong Round(ulong input) => BitOperations.RotateLeft(input * Prime2, 31) * Prime1;
}
