using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Generator;

/// <summary>libclang's <c>CXType</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXType
{
    public int Kind;
    public void* Data0;
    public void* Data1;
}
