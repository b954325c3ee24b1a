using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RdmaStack.Hashing;

/// <summary>
/// CRC-32C (Castagnoli), the checksum carried by every slot. Uses the SSE4.2 / ARMv8 CRC32
/// instruction through <see cref="BitOperations.Crc32C(uint, ulong)"/> where the processor has it.
/// </summary>
/// <remarks>
/// <para><see cref="Append(uint, ReadOnlySpan{byte})"/> works on the raw (un-inverted) register so that a
/// checksum can be built from several pieces without copying them together; <see cref="Compute"/> is
/// the usual one-shot form (initial value and final xor 0xFFFFFFFF).</para>
/// <para>The CRC32 instruction takes 3 cycles but can start every cycle, so one dependent chain runs at a
/// third of its speed. From <see cref="StripedThreshold"/> bytes on, each block of 3 x <see cref="Stripe"/>
/// bytes is checksummed as three independent chains, which are then joined: the register is linear over
/// GF(2), so crc(A|B) = shift(crc(A), |B|) xor crc(0, B), where shift appends |B| zero bytes and is
/// applied through four 256-entry tables built once from the instruction itself.</para>
/// </remarks>
internal static class Crc32C
{
    /// <summary>The register value a computation starts from.</summary>
    public const uint Seed = 0xFFFF_FFFFu;

    /// <summary>Bytes of each of the three chains in one striped block.</summary>
    internal const int Stripe = 128;

    /// <summary>Lengths from which the striped form runs (one whole block).</summary>
    internal const int StripedThreshold = 3 * Stripe;

    /// <summary>shift(x, Stripe) for x = byte value v at byte position j: entry [j * 256 + v].</summary>
    private static readonly uint[] s_shiftByStripe = BuildShiftTable(Stripe);

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
        if (length >= StripedThreshold)
        {
            // The index stays a register: passed by reference, it would live in memory and every 8-byte step
            // of the loops below would reload and store it (measured: 9 instructions a step instead of 4).
            i = length - (length % StripedThreshold);
            crc = AppendStriped(crc, ref p, i);
        }

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

    /// <summary>Three chains per block of 3 x <see cref="Stripe"/> bytes, joined by table shifts, over the first
    /// <paramref name="length"/> bytes (a multiple of <see cref="StripedThreshold"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint AppendStriped(uint crc, ref byte p, nuint length)
    {
        ref uint shift = ref MemoryMarshal.GetArrayDataReference(s_shiftByStripe);
        for (nuint i = 0; i < length; i += StripedThreshold)
        {
            ref byte a = ref Unsafe.Add(ref p, i);
            uint ca = crc, cb = 0, cc = 0;
            for (nuint k = 0; k < Stripe; k += 8)
            {
                ca = BitOperations.Crc32C(ca, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, k)));
                cb = BitOperations.Crc32C(cb, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, k + Stripe)));
                cc = BitOperations.Crc32C(cc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, k + (2 * Stripe))));
            }

            crc = Shift(ref shift, Shift(ref shift, ca) ^ cb) ^ cc;
        }

        return crc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(ref uint table, uint x) =>
        Unsafe.Add(ref table, (int)(x & 0xFF)) ^
        Unsafe.Add(ref table, 256 + (int)((x >> 8) & 0xFF)) ^
        Unsafe.Add(ref table, 512 + (int)((x >> 16) & 0xFF)) ^
        Unsafe.Add(ref table, 768 + (int)(x >> 24));

    /// <summary>shift(x, n) = the register after n zero bytes, for every byte value at every position.</summary>
    private static uint[] BuildShiftTable(int zeroBytes)
    {
        var table = new uint[4 * 256];
        for (int position = 0; position < 4; position++)
        {
            for (uint value = 0; value < 256; value++)
            {
                uint x = value << (8 * position);
                for (int n = 0; n < zeroBytes; n += 8)
                {
                    x = BitOperations.Crc32C(x, 0UL);
                }

                table[(position * 256) + (int)value] = x;
            }
        }

        return table;
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
