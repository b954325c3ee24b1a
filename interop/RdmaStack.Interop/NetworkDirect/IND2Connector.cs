using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>IND2Connector</c> (ndspi.h, derives from IND2Overlapped): sets up one connection of a queue pair,
/// actively (<see cref="Connect"/> then <see cref="CompleteConnect"/>) or passively (handed a request by
/// IND2Listener::GetConnectionRequest, then <see cref="Accept"/> or <see cref="Reject"/>), and tears it down.</summary>
public unsafe struct IND2Connector
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 3 (IND2Overlapped): cancels the connector's outstanding overlapped requests.</summary>
    /// <returns>An ND status.</returns>
    public int CancelOverlappedRequests() => lpVtbl->CancelOverlappedRequests((IND2Connector*)Unsafe.AsPointer(ref this));

    /// <summary>Slot 4 (IND2Overlapped): the status of one of the connector's overlapped requests.</summary>
    /// <param name="pOverlapped">The request's OVERLAPPED.</param>
    /// <param name="wait">Non-zero to block.</param>
    /// <returns>ND_PENDING while it runs, then its final status.</returns>
    public int GetOverlappedResult(OVERLAPPED* pOverlapped, int wait) =>
        lpVtbl->GetOverlappedResult((IND2Connector*)Unsafe.AsPointer(ref this), pOverlapped, wait);

    /// <summary>Slot 5: binds the connector to a local address (port 0: the provider picks one).</summary>
    /// <param name="pAddress">A SOCKADDR_IN or SOCKADDR_IN6.</param>
    /// <param name="cbAddress">Its size.</param>
    /// <returns>An ND status.</returns>
    public int Bind(SOCKADDR* pAddress, uint cbAddress) => lpVtbl->Bind((IND2Connector*)Unsafe.AsPointer(ref this), pAddress, cbAddress);

    /// <summary>Slot 6: asks the listener at <paramref name="pDestAddress"/> for a connection of
    /// <paramref name="pQueuePair"/> (an overlapped request that completes when the peer accepts or rejects).</summary>
    /// <param name="pQueuePair">The queue pair to connect.</param>
    /// <param name="pDestAddress">The peer listener's address.</param>
    /// <param name="cbDestAddress">Its size.</param>
    /// <param name="inboundReadLimit">RDMA Reads this side serves at once.</param>
    /// <param name="outboundReadLimit">RDMA Reads this side issues at once.</param>
    /// <param name="pPrivateData">Bytes the peer reads with GetPrivateData.</param>
    /// <param name="cbPrivateData">Their length (at most the adapter's MaxCallerData).</param>
    /// <param name="pOverlapped">The request's OVERLAPPED.</param>
    /// <returns>ND_PENDING, or a failure.</returns>
    public int Connect(IUnknown* pQueuePair, SOCKADDR* pDestAddress, uint cbDestAddress, uint inboundReadLimit, uint outboundReadLimit, void* pPrivateData, uint cbPrivateData, OVERLAPPED* pOverlapped) =>
        lpVtbl->Connect((IND2Connector*)Unsafe.AsPointer(ref this), pQueuePair, pDestAddress, cbDestAddress, inboundReadLimit, outboundReadLimit, pPrivateData, cbPrivateData, pOverlapped);

    /// <summary>Slot 7: finishes an accepted <see cref="Connect"/> (an overlapped request).</summary>
    /// <param name="pOverlapped">The request's OVERLAPPED.</param>
    /// <returns>An ND status.</returns>
    public int CompleteConnect(OVERLAPPED* pOverlapped) => lpVtbl->CompleteConnect((IND2Connector*)Unsafe.AsPointer(ref this), pOverlapped);

    /// <summary>Slot 8: accepts the connection request this connector holds (an overlapped request that completes
    /// once the active side has called CompleteConnect).</summary>
    /// <param name="pQueuePair">The queue pair to connect.</param>
    /// <param name="inboundReadLimit">RDMA Reads this side serves at once.</param>
    /// <param name="outboundReadLimit">RDMA Reads this side issues at once.</param>
    /// <param name="pPrivateData">Bytes the peer reads with GetPrivateData.</param>
    /// <param name="cbPrivateData">Their length (at most the adapter's MaxCalleeData).</param>
    /// <param name="pOverlapped">The request's OVERLAPPED.</param>
    /// <returns>An ND status.</returns>
    public int Accept(IUnknown* pQueuePair, uint inboundReadLimit, uint outboundReadLimit, void* pPrivateData, uint cbPrivateData, OVERLAPPED* pOverlapped) =>
        lpVtbl->Accept((IND2Connector*)Unsafe.AsPointer(ref this), pQueuePair, inboundReadLimit, outboundReadLimit, pPrivateData, cbPrivateData, pOverlapped);

    /// <summary>Slot 9: refuses the connection request (either side, before the connection is up).</summary>
    /// <param name="pPrivateData">Bytes for the peer.</param>
    /// <param name="cbPrivateData">Their length.</param>
    /// <returns>An ND status.</returns>
    public int Reject(void* pPrivateData, uint cbPrivateData) => lpVtbl->Reject((IND2Connector*)Unsafe.AsPointer(ref this), pPrivateData, cbPrivateData);

    /// <summary>Slot 11: the private data the peer sent with its request or its answer.</summary>
    /// <param name="pPrivateData">Where it is copied.</param>
    /// <param name="pcbPrivateData">In: room; out: its length (ND_BUFFER_OVERFLOW when the room was short).</param>
    /// <returns>An ND status.</returns>
    public int GetPrivateData(void* pPrivateData, uint* pcbPrivateData) =>
        lpVtbl->GetPrivateData((IND2Connector*)Unsafe.AsPointer(ref this), pPrivateData, pcbPrivateData);

    /// <summary>Slot 14: asks to be told when the connection goes down (an overlapped request).</summary>
    /// <param name="pOverlapped">Completed when the peer disconnects or the connection breaks.</param>
    /// <returns>ND_PENDING, or an ND status.</returns>
    public int NotifyDisconnect(OVERLAPPED* pOverlapped) => lpVtbl->NotifyDisconnect((IND2Connector*)Unsafe.AsPointer(ref this), pOverlapped);

    /// <summary>Slot 15: disconnects (an overlapped request); outstanding requests on both sides are flushed.</summary>
    /// <param name="pOverlapped">The request's OVERLAPPED.</param>
    /// <returns>An ND status.</returns>
    public int Disconnect(OVERLAPPED* pOverlapped) => lpVtbl->Disconnect((IND2Connector*)Unsafe.AsPointer(ref this), pOverlapped);

    /// <summary>IND2Connector's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, uint> Release;

        /// <summary>Slot 3 (IND2Overlapped).</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, int> CancelOverlappedRequests;

        /// <summary>Slot 4 (IND2Overlapped).</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, OVERLAPPED*, int, int> GetOverlappedResult;

        /// <summary>Slot 5: <c>Bind(const struct sockaddr* pAddress, ULONG cbAddress)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, SOCKADDR*, uint, int> Bind;

        /// <summary>Slot 6: <c>Connect(IUnknown* pQueuePair, const struct sockaddr* pDestAddress, ULONG cbDestAddress,
        /// ULONG inboundReadLimit, ULONG outboundReadLimit, const VOID* pPrivateData, ULONG cbPrivateData,
        /// OVERLAPPED* pOverlapped)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, IUnknown*, SOCKADDR*, uint, uint, uint, void*, uint, OVERLAPPED*, int> Connect;

        /// <summary>Slot 7: <c>CompleteConnect(OVERLAPPED* pOverlapped)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, OVERLAPPED*, int> CompleteConnect;

        /// <summary>Slot 8: <c>Accept(IUnknown* pQueuePair, ULONG inboundReadLimit, ULONG outboundReadLimit,
        /// const VOID* pPrivateData, ULONG cbPrivateData, OVERLAPPED* pOverlapped)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, IUnknown*, uint, uint, void*, uint, OVERLAPPED*, int> Accept;

        /// <summary>Slot 9: <c>Reject(const VOID* pPrivateData, ULONG cbPrivateData)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, void*, uint, int> Reject;

        /// <summary>Slot 10: <c>GetReadLimits(ULONG* pInboundReadLimit, ULONG* pOutboundReadLimit)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, uint*, uint*, int> GetReadLimits;

        /// <summary>Slot 11: <c>GetPrivateData(VOID* pPrivateData, ULONG* pcbPrivateData)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, void*, uint*, int> GetPrivateData;

        /// <summary>Slot 12: <c>GetLocalAddress(struct sockaddr* pAddress, ULONG* pcbAddress)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, SOCKADDR*, uint*, int> GetLocalAddress;

        /// <summary>Slot 13: <c>GetPeerAddress(struct sockaddr* pAddress, ULONG* pcbAddress)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, SOCKADDR*, uint*, int> GetPeerAddress;

        /// <summary>Slot 14: <c>NotifyDisconnect(OVERLAPPED* pOverlapped)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, OVERLAPPED*, int> NotifyDisconnect;

        /// <summary>Slot 15: <c>Disconnect(OVERLAPPED* pOverlapped)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Connector*, OVERLAPPED*, int> Disconnect;
    }
}
