using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Generator;

/// <summary>libclang's <c>CXSourceLocation</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXSourceLocation
{
    public void* Ptr0;
    public void* Ptr1;
    public uint IntData;
}
