using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RdmaStack.Hashing;

/// <summary>
/// CRC-32C (Castagnoli), the checksum carried by every slot. Uses the SSE4.2 / ARMv8 CRC32
/// instruction through <see cref="BitOperations.Crc32C(uint, ulong)"/> where the processor has it.
/// </summary>
/// <remarks>
/// <see cref="Append(uint, ReadOnlySpan{byte})"/> works on the raw (un-inverted) register so that a
/// checksum can be built from several pieces without copying them together; <see cref="Compute"/> is
/// the usual one-shot form (initial value and final xor 0xFFFFFFFF).
/// </remarks>
public static class Crc32C
{
    /// <summary>The register value a computation starts from.</summary>
    public const uint Seed = 0xFFFF_FFFFu;

    /// <summary>Computes the CRC-32C of <paramref name="data"/> (e.g. "123456789" gives 0xE3069283).</summary>
    /// <param name="data">The bytes to checksum.</param>
    /// <returns>The finished checksum.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(Seed, data);

    /// <summary>Feeds <paramref name="data"/> into a running CRC register (no final inversion).</summary>
    /// <param name="crc">The running register; start from <see cref="Seed"/>.</param>
    /// <param name="data">The bytes to add.</param>
    /// <returns>The updated register.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;
        for (; i + 8 <= length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
        }

        if (i + 4 <= length)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i)));
            i += 4;
        }

        for (; i < length; i++)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref p, i));
        }

        return crc;
    }

    /// <summary>Feeds one 64-bit word (little-endian bytes) into a running CRC register.</summary>
    /// <param name="crc">The running register.</param>
    /// <param name="value">The word to add.</param>
    /// <returns>The updated register.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Append(uint crc, ulong value) => BitOperations.Crc32C(crc, value);

    /// <summary>Feeds one 32-bit word (little-endian bytes) into a running CRC register.</summary>
    /// <param name="crc">The running register.</param>
    /// <param name="value">The word to add.</param>
    /// <returns>The updated register.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Append(uint crc, uint value) => BitOperations.Crc32C(crc, value);
}
