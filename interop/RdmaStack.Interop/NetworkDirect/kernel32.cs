using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary>The two kernel32.dll calls NetworkDirect set-up needs besides Winsock's.</summary>
public static unsafe partial class kernel32
{
    /// <summary>Expands %VARIABLE% references (a provider path from the catalog may hold them).</summary>
    /// <param name="lpSrc">The string.</param>
    /// <param name="lpDst">Receives the expansion.</param>
    /// <param name="nSize">Room in characters.</param>
    /// <returns>Characters needed, with the terminating NUL; 0 on failure.</returns>
    [SupportedOSPlatform("windows")]
    [LibraryImport("kernel32.dll", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvStdcall)])]
    public static partial uint ExpandEnvironmentStringsW(char* lpSrc, char* lpDst, uint nSize);

    /// <summary>Closes a handle (the overlapped file of an adapter).</summary>
    /// <param name="hObject">The handle.</param>
    /// <returns>Non-zero on success.</returns>
    [SupportedOSPlatform("windows")]
    [LibraryImport("kernel32.dll", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvStdcall)])]
    public static partial int CloseHandle(nint hObject);
}
