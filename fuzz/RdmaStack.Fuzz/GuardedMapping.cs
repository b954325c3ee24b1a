using System.Runtime.InteropServices;
using RdmaStack.Transport;

namespace RdmaStack.Fuzz;

/// <summary>
/// Anonymous memory whose region ends exactly where an inaccessible page begins (mmap, then mprotect PROT_NONE on the
/// last page): a read one byte past the region is a segmentation fault, which the fuzzer records as a crash, instead
/// of a silent read of whatever lies beyond.
/// </summary>
internal sealed unsafe partial class GuardedMapping : SafeHandle
{
    private const int ProtNone = 0;
    private const int ProtReadWrite = 3;
    private const int MapPrivateAnonymous = 0x02 | 0x20;
    private readonly nuint _mappedLength;

    private GuardedMapping(nint address, nuint mappedLength)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(address);
        _mappedLength = mappedLength;
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>A zeroed region of <paramref name="length"/> bytes that ends at a guard page.</summary>
    public static MemoryRegion Allocate(long length, string name)
    {
        long page = Environment.SystemPageSize;
        long data = (length + page - 1) / page * page;
        nuint mapped = (nuint)(data + page);
        nint address = mmap(0, mapped, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        if (address == -1)
        {
            throw new InvalidOperationException($"mmap of {mapped} bytes failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var mapping = new GuardedMapping(address, mapped);
        if (mprotect(address + (nint)data, (nuint)page, ProtNone) != 0)
        {
            mapping.Dispose();
            throw new InvalidOperationException($"mprotect of the guard page failed: errno {Marshal.GetLastPInvokeError()}");
        }

        byte* start = (byte*)address + data - length;
        var region = new MemoryRegion(mapping, start, length, name, mapping);
        return region;
    }

    protected override bool ReleaseHandle() => munmap(handle, _mappedLength) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(nint address, nuint length);
}
