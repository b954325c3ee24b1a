using System.Buffers.Binary;
using System.Numerics;

namespace RdmaStack.HighAvailability.Journal;

/// <summary>
/// CRC-32C (Castagnoli) of a journal record's body, through <see cref="BitOperations.Crc32C(uint, ulong)"/>
/// (the SSE4.2 / ARMv8 instruction where the processor has it, a table otherwise). The same function as the
/// transport's slot checksum; the journal computes it with the public BCL primitive so that it needs nothing
/// internal of RdmaStack.
/// </summary>
internal static class JournalChecksum
{
    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFFu;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }
}
