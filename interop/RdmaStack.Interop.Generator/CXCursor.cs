using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Generator;

/// <summary>libclang's <c>CXCursor</c>: a node of the AST, valid while its translation unit lives.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXCursor
{
    public int Kind;
    public int Xdata;
    public void* Data0;
    public void* Data1;
    public void* Data2;
}
