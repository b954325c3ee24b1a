using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>IND2Listener</c> (ndspi.h, derives from IND2Overlapped): the passive side of connection set-up;
/// <see cref="GetConnectionRequest"/> hands the next incoming request to a fresh connector.</summary>
public unsafe struct IND2Listener
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 3 (IND2Overlapped): cancels the listener's outstanding overlapped requests.</summary>
    /// <returns>An ND status.</returns>
    public int CancelOverlappedRequests() => lpVtbl->CancelOverlappedRequests((IND2Listener*)Unsafe.AsPointer(ref this));

    /// <summary>Slot 4 (IND2Overlapped): the status of one of the listener's overlapped requests.</summary>
    /// <param name="pOverlapped">The request's OVERLAPPED.</param>
    /// <param name="wait">Non-zero to block.</param>
    /// <returns>ND_PENDING while it runs, then its final status.</returns>
    public int GetOverlappedResult(OVERLAPPED* pOverlapped, int wait) =>
        lpVtbl->GetOverlappedResult((IND2Listener*)Unsafe.AsPointer(ref this), pOverlapped, wait);

    /// <summary>Slot 5: binds the listener to a local address (port 0: the provider picks one).</summary>
    /// <param name="pAddress">A SOCKADDR_IN or SOCKADDR_IN6.</param>
    /// <param name="cbAddress">Its size.</param>
    /// <returns>An ND status.</returns>
    public int Bind(SOCKADDR* pAddress, uint cbAddress) => lpVtbl->Bind((IND2Listener*)Unsafe.AsPointer(ref this), pAddress, cbAddress);

    /// <summary>Slot 6: starts listening.</summary>
    /// <param name="backlog">Requests held until taken (0: no limit).</param>
    /// <returns>An ND status.</returns>
    public int Listen(uint backlog) => lpVtbl->Listen((IND2Listener*)Unsafe.AsPointer(ref this), backlog);

    /// <summary>Slot 7: the address and port the listener is bound to.</summary>
    /// <param name="pAddress">Where the address is written.</param>
    /// <param name="pcbAddress">In: room; out: its size.</param>
    /// <returns>An ND status.</returns>
    public int GetLocalAddress(SOCKADDR* pAddress, uint* pcbAddress) => lpVtbl->GetLocalAddress((IND2Listener*)Unsafe.AsPointer(ref this), pAddress, pcbAddress);

    /// <summary>Slot 8: hands the next connection request to <paramref name="pConnector"/> (an overlapped request).</summary>
    /// <param name="pConnector">A connector from the same adapter, not used yet.</param>
    /// <param name="pOverlapped">Completed when a request arrives.</param>
    /// <returns>ND_PENDING, ND_SUCCESS or a failure.</returns>
    public int GetConnectionRequest(IUnknown* pConnector, OVERLAPPED* pOverlapped) =>
        lpVtbl->GetConnectionRequest((IND2Listener*)Unsafe.AsPointer(ref this), pConnector, pOverlapped);

    /// <summary>IND2Listener's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Listener*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Listener*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Listener*, uint> Release;

        /// <summary>Slot 3 (IND2Overlapped).</summary>
        public delegate* unmanaged[Stdcall]<IND2Listener*, int> CancelOverlappedRequests;

        /// <summary>Slot 4 (IND2Overlapped).</summary>
        public delegate* unmanaged[Stdcall]<IND2Listener*, OVERLAPPED*, int, int> GetOverlappedResult;

        /// <summary>Slot 5: <c>Bind(const struct sockaddr* pAddress, ULONG cbAddress)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Listener*, SOCKADDR*, uint, int> Bind;

        /// <summary>Slot 6: <c>Listen(ULONG backlog)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Listener*, uint, int> Listen;

        /// <summary>Slot 7: <c>GetLocalAddress(struct sockaddr* pAddress, ULONG* pcbAddress)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Listener*, SOCKADDR*, uint*, int> GetLocalAddress;

        /// <summary>Slot 8: <c>GetConnectionRequest(IUnknown* pConnector, OVERLAPPED* pOverlapped)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Listener*, IUnknown*, OVERLAPPED*, int> GetConnectionRequest;
    }
}
