using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Generator;

/// <summary>libclang's <c>CXToken</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXToken
{
    public uint Int0;
    public uint Int1;
    public uint Int2;
    public uint Int3;
    public void* Ptr;
}
