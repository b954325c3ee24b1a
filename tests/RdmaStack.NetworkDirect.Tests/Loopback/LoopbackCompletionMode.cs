namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>How the loopback double finishes the overlapped requests it could finish at once (register, deregister,
/// a connection request already waiting, complete-connect, disconnect).</summary>
public enum LoopbackCompletionMode
{
    /// <summary>The call returns ND_SUCCESS (or the failure) and leaves the OVERLAPPED alone.</summary>
    Immediate,

    /// <summary>The call returns ND_PENDING; the first GetOverlappedResult poll says ND_PENDING again, the next
    /// completes the OVERLAPPED with the status.</summary>
    Pending,
}
