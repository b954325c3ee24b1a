using System.Runtime.InteropServices;

namespace RdmaStack.Memory;

/// <summary>
/// Owns one block of page-aligned, zeroed native memory (never a pinned managed array: registered
/// memory must not move and must not keep a GC handle alive for the life of a connection).
/// </summary>
internal sealed unsafe class NativeMemoryHandle : SafeHandle
{
    /// <summary>The alignment of every block: one page, as memory registration wants.</summary>
    public static readonly int PageSize = Environment.SystemPageSize;

    private NativeMemoryHandle(nint pointer, long length)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(pointer);
        Length = length;
    }

    /// <summary>Length of the block in bytes.</summary>
    public long Length { get; }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Allocates <paramref name="length"/> zeroed bytes aligned to a page.</summary>
    public static NativeMemoryHandle Allocate(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        nuint rounded = (nuint)((length + PageSize - 1) / PageSize * PageSize);
        void* p = NativeMemory.AlignedAlloc(rounded, (nuint)PageSize);
        NativeMemory.Clear(p, rounded);
        return new NativeMemoryHandle((nint)p, length);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}
