using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>IND2Overlapped</c> (ndspi.h): the base of every object with overlapped (asynchronous) requests.
/// A request that returns <see cref="ndstatus.ND_PENDING"/> finishes later; its final status comes from
/// <see cref="GetOverlappedResult"/>.</summary>
/// <remarks>The objects are reached through <see cref="IUnknown"/>'s slots 0-2 (cast the pointer).</remarks>
public unsafe struct IND2Overlapped
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 3: completes every outstanding overlapped request of the object with ND_CANCELED.</summary>
    /// <returns>An ND status.</returns>
    public int CancelOverlappedRequests() => lpVtbl->CancelOverlappedRequests((IND2Overlapped*)Unsafe.AsPointer(ref this));

    /// <summary>Slot 4: the status of an overlapped request.</summary>
    /// <param name="pOverlapped">The request's OVERLAPPED.</param>
    /// <param name="wait">Non-zero to block until it completes (needs an event in the OVERLAPPED).</param>
    /// <returns>ND_PENDING while it runs, then its final status.</returns>
    public int GetOverlappedResult(OVERLAPPED* pOverlapped, int wait) =>
        lpVtbl->GetOverlappedResult((IND2Overlapped*)Unsafe.AsPointer(ref this), pOverlapped, wait);

    /// <summary>IND2Overlapped's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Overlapped*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Overlapped*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Overlapped*, uint> Release;

        /// <summary>Slot 3: <c>CancelOverlappedRequests()</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Overlapped*, int> CancelOverlappedRequests;

        /// <summary>Slot 4: <c>GetOverlappedResult(OVERLAPPED* pOverlapped, BOOL wait)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Overlapped*, OVERLAPPED*, int, int> GetOverlappedResult;
    }
}
