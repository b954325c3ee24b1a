using System.Runtime.InteropServices;

namespace RdmaStack.Queues;

/// <summary>
/// A 64-bit counter alone on its cache lines: 128 bytes each side, so that the adjacent-line
/// prefetcher cannot pull a neighbour's hot field into the same pair of lines (Disruptor's padding).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2 * Padding + sizeof(long))]
internal struct PaddedLong
{
    /// <summary>Bytes of padding each side.</summary>
    public const int Padding = 128;

    /// <summary>The value.</summary>
    [FieldOffset(Padding)]
    public long Value;
}
