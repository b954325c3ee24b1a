using System.Globalization;
using RdmaStack.Memory;
using RdmaStack.Native;
using RdmaStack.Transport;

namespace RdmaStack.Threading;

/// <summary>
/// Allocates ring and mirror memory on huge pages where the system allows, so a ring of a few MiB costs
/// one TLB entry instead of hundreds: first the reserved hugetlb pool (MAP_HUGETLB), then transparent
/// huge pages (madvise MADV_HUGEPAGE on a 2 MiB-aligned block), and otherwise ordinary pages — always
/// with a one-line <see cref="HugePageAllocation.Message"/> saying which and why.
/// </summary>
internal static unsafe class HugePageMemory
{
    /// <summary>Allocates <paramref name="length"/> zeroed bytes, huge-page backed where possible.</summary>
    /// <param name="length">Bytes wanted (rounded up to the page size used).</param>
    /// <param name="name">What the memory is for, for diagnostics.</param>
    /// <returns>The region and how it is backed.</returns>
    /// <exception cref="OutOfMemoryException">Not even ordinary pages could be mapped.</exception>
    public static HugePageAllocation Allocate(long length, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentNullException.ThrowIfNull(name);
        if (!OperatingSystem.IsLinux())
        {
            return new HugePageAllocation(MemoryRegion.AllocatePrivate(length, name), HugePageBacking.None, "huge pages: only on Linux; ordinary pages used.");
        }

        HugePageInfo info = HugePageInfo.Detect();
        long hugeSize = info.PageSizeBytes > 0 ? info.PageSizeBytes : 2 << 20;
        nuint rounded = (nuint)((length + hugeSize - 1) / hugeSize * hugeSize);
        string why;
        if (info.CanReserve(length))
        {
            void* p = LibC.MMap(null, rounded, LibC.ProtRead | LibC.ProtWrite, LibC.MapPrivate | LibC.MapAnonymous | LibC.MapHugeTlb, -1, 0);
            if (p != (void*)-1)
            {
                return Wrap(p, rounded, length, name, HugePageBacking.Reserved, $"{name}: {rounded >> 20} MiB on reserved huge pages ({info.Describe()}).");
            }

            why = $"MAP_HUGETLB failed ({LibC.LastErrorText()})";
        }
        else
        {
            why = info.TotalPages == 0
                ? "no huge pages reserved (echo N > /proc/sys/vm/nr_hugepages to reserve some)"
                : string.Create(CultureInfo.InvariantCulture, $"{info.FreePages} free huge pages cannot hold {length} B");
        }

        if (info.TransparentMode is "always" or "madvise")
        {
            // Over-map by one huge page so a 2 MiB-aligned block lies inside; the edges are unmapped again.
            nuint span = rounded + (nuint)hugeSize;
            byte* raw = (byte*)LibC.MMap(null, span, LibC.ProtRead | LibC.ProtWrite, LibC.MapPrivate | LibC.MapAnonymous, -1, 0);
            if (raw != (byte*)-1)
            {
                byte* aligned = (byte*)(((nuint)raw + (nuint)hugeSize - 1) & ~((nuint)hugeSize - 1));
                if (aligned > raw)
                {
                    LibC.MUnmap(raw, (nuint)(aligned - raw));
                }

                nuint tail = (nuint)(raw + span - (aligned + rounded));
                if (tail > 0)
                {
                    LibC.MUnmap(aligned + rounded, tail);
                }

                if (LibC.MAdvise(aligned, rounded, LibC.MadvHugePage) == 0)
                {
                    return Wrap(aligned, rounded, length, name, HugePageBacking.Transparent, $"{name}: transparent huge pages advised ({why}; THP mode {info.TransparentMode}).");
                }

                why += $"; madvise(MADV_HUGEPAGE) failed ({LibC.LastErrorText()})";
                LibC.MUnmap(aligned, rounded);
            }
        }
        else
        {
            why += $"; transparent huge pages are {info.TransparentMode ?? "not available"}";
        }

        return new HugePageAllocation(MemoryRegion.AllocatePrivate(length, name), HugePageBacking.None, $"{name}: ordinary 4 KiB pages: {why}.");
    }

    private static HugePageAllocation Wrap(void* pointer, nuint mapped, long length, string name, HugePageBacking backing, string message)
    {
        // Anonymous mappings arrive zeroed; touching each page now takes the faults before the hot path.
        new Span<byte>(pointer, (int)Math.Min(length, int.MaxValue)).Clear();
        var handle = new MappedMemoryHandle(pointer, mapped);
        return new HugePageAllocation(new MemoryRegion(handle, (byte*)pointer, length, name, handle), backing, message);
    }
}
