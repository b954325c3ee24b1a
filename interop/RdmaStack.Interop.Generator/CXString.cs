using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Generator;

/// <summary>libclang's <c>CXString</c>; always released with <c>clang_disposeString</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXString
{
    public void* Data;
    public uint PrivateFlags;
}
