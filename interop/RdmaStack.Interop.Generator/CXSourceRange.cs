using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Generator;

/// <summary>libclang's <c>CXSourceRange</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXSourceRange
{
    public void* Ptr0;
    public void* Ptr1;
    public uint BeginIntData;
    public uint EndIntData;
}
