namespace RdmaStack.Interop.NetworkDirect;

/// <summary>Win32's <c>OVERLAPPED</c> (minwinbase.h, 32 bytes on x64): the state of one overlapped request. While the
/// request runs, the low 32 bits of <see cref="Internal"/> hold STATUS_PENDING (<see cref="ndstatus.ND_PENDING"/>);
/// once they differ the request has completed (Win32's HasOverlappedIoCompleted), and its status is read with
/// IND2Overlapped::GetOverlappedResult.</summary>
/// <remarks>The union of Offset/OffsetHigh with a pointer is bound as the two 32-bit fields.</remarks>
public struct OVERLAPPED
{
    /// <summary>The request's status while and after it runs (NTSTATUS in the low 32 bits).</summary>
    public nuint Internal;

    /// <summary>Provider-defined.</summary>
    public nuint InternalHigh;

    /// <summary>File offset, low half (unused by NetworkDirect).</summary>
    public uint Offset;

    /// <summary>File offset, high half (unused by NetworkDirect).</summary>
    public uint OffsetHigh;

    /// <summary>An event to signal on completion, or 0.</summary>
    public nint hEvent;
}
