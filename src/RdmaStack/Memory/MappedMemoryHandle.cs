using System.Runtime.InteropServices;
using RdmaStack.Native;

namespace RdmaStack.Memory;

/// <summary>Owns one anonymous mmap(2) block (huge-page backed or advised), unmapped on release.</summary>
internal sealed unsafe class MappedMemoryHandle : SafeHandle
{
    private readonly nuint _mappedLength;

    public MappedMemoryHandle(void* pointer, nuint mappedLength)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle((nint)pointer);
        _mappedLength = mappedLength;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.MUnmap((void*)handle, _mappedLength) == 0;
}
