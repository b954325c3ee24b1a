using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>IND2Adapter</c> (ndspi.h): one opened NetworkDirect adapter; it creates the completion queues,
/// memory regions, queue pairs, connectors and listeners, and the overlapped file their overlapped requests
/// run on.</summary>
public unsafe struct IND2Adapter
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 3: creates the file handle overlapped requests of this adapter's objects run on.</summary>
    /// <param name="phOverlappedFile">Receives the handle (closed with CloseHandle).</param>
    /// <returns>An ND status.</returns>
    public int CreateOverlappedFile(nint* phOverlappedFile) => lpVtbl->CreateOverlappedFile((IND2Adapter*)Unsafe.AsPointer(ref this), phOverlappedFile);

    /// <summary>Slot 4: the adapter's limits and capabilities.</summary>
    /// <param name="pInfo">Filled in; its InfoVersion must be set first.</param>
    /// <param name="pcbInfo">In: the room; out: the size used or needed (ND_BUFFER_OVERFLOW).</param>
    /// <returns>An ND status.</returns>
    public int Query(ND2_ADAPTER_INFO* pInfo, uint* pcbInfo) => lpVtbl->Query((IND2Adapter*)Unsafe.AsPointer(ref this), pInfo, pcbInfo);

    /// <summary>Slot 6: creates a completion queue.</summary>
    /// <param name="iid">IID_IND2CompletionQueue.</param>
    /// <param name="hOverlappedFile">From <see cref="CreateOverlappedFile"/>.</param>
    /// <param name="queueDepth">Results it holds.</param>
    /// <param name="group">Processor group for notifications.</param>
    /// <param name="affinity">Processor mask for notifications (0: any).</param>
    /// <param name="ppCompletionQueue">Receives it.</param>
    /// <returns>An ND status.</returns>
    public int CreateCompletionQueue(Guid* iid, nint hOverlappedFile, uint queueDepth, ushort group, nuint affinity, void** ppCompletionQueue) =>
        lpVtbl->CreateCompletionQueue((IND2Adapter*)Unsafe.AsPointer(ref this), iid, hOverlappedFile, queueDepth, group, affinity, ppCompletionQueue);

    /// <summary>Slot 7: creates a memory region object (registered later with IND2MemoryRegion::Register).</summary>
    /// <param name="iid">IID_IND2MemoryRegion.</param>
    /// <param name="hOverlappedFile">From <see cref="CreateOverlappedFile"/>.</param>
    /// <param name="ppMemoryRegion">Receives it.</param>
    /// <returns>An ND status.</returns>
    public int CreateMemoryRegion(Guid* iid, nint hOverlappedFile, void** ppMemoryRegion) =>
        lpVtbl->CreateMemoryRegion((IND2Adapter*)Unsafe.AsPointer(ref this), iid, hOverlappedFile, ppMemoryRegion);

    /// <summary>Slot 10: creates a queue pair whose results go to the given completion queues.</summary>
    /// <param name="iid">IID_IND2QueuePair.</param>
    /// <param name="pReceiveCompletionQueue">For Receive results.</param>
    /// <param name="pInitiatorCompletionQueue">For Send, Read, Write, Bind and Invalidate results.</param>
    /// <param name="context">Comes back in every result as QueuePairContext.</param>
    /// <param name="receiveQueueDepth">Receives outstanding at once.</param>
    /// <param name="initiatorQueueDepth">Initiator requests outstanding at once.</param>
    /// <param name="maxReceiveRequestSge">Entries per Receive.</param>
    /// <param name="maxInitiatorRequestSge">Entries per initiator request.</param>
    /// <param name="inlineDataSize">Bytes an ND_OP_FLAG_INLINE request may carry.</param>
    /// <param name="ppQueuePair">Receives it.</param>
    /// <returns>An ND status.</returns>
    public int CreateQueuePair(Guid* iid, IUnknown* pReceiveCompletionQueue, IUnknown* pInitiatorCompletionQueue, void* context, uint receiveQueueDepth, uint initiatorQueueDepth, uint maxReceiveRequestSge, uint maxInitiatorRequestSge, uint inlineDataSize, void** ppQueuePair) =>
        lpVtbl->CreateQueuePair((IND2Adapter*)Unsafe.AsPointer(ref this), iid, pReceiveCompletionQueue, pInitiatorCompletionQueue, context, receiveQueueDepth, initiatorQueueDepth, maxReceiveRequestSge, maxInitiatorRequestSge, inlineDataSize, ppQueuePair);

    /// <summary>Slot 12: creates a connector.</summary>
    /// <param name="iid">IID_IND2Connector.</param>
    /// <param name="hOverlappedFile">From <see cref="CreateOverlappedFile"/>.</param>
    /// <param name="ppConnector">Receives it.</param>
    /// <returns>An ND status.</returns>
    public int CreateConnector(Guid* iid, nint hOverlappedFile, void** ppConnector) =>
        lpVtbl->CreateConnector((IND2Adapter*)Unsafe.AsPointer(ref this), iid, hOverlappedFile, ppConnector);

    /// <summary>Slot 13: creates a listener.</summary>
    /// <param name="iid">IID_IND2Listener.</param>
    /// <param name="hOverlappedFile">From <see cref="CreateOverlappedFile"/>.</param>
    /// <param name="ppListener">Receives it.</param>
    /// <returns>An ND status.</returns>
    public int CreateListener(Guid* iid, nint hOverlappedFile, void** ppListener) =>
        lpVtbl->CreateListener((IND2Adapter*)Unsafe.AsPointer(ref this), iid, hOverlappedFile, ppListener);

    /// <summary>IND2Adapter's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, uint> Release;

        /// <summary>Slot 3: <c>CreateOverlappedFile(HANDLE* phOverlappedFile)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, nint*, int> CreateOverlappedFile;

        /// <summary>Slot 4: <c>Query(ND2_ADAPTER_INFO* pInfo, ULONG* pcbInfo)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, ND2_ADAPTER_INFO*, uint*, int> Query;

        /// <summary>Slot 5: <c>QueryAddressList(SOCKET_ADDRESS_LIST* pAddressList, ULONG* pcbAddressList)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, SOCKET_ADDRESS_LIST*, uint*, int> QueryAddressList;

        /// <summary>Slot 6: <c>CreateCompletionQueue(REFIID iid, HANDLE hOverlappedFile, ULONG queueDepth,
        /// USHORT group, KAFFINITY affinity, VOID** ppCompletionQueue)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, nint, uint, ushort, nuint, void**, int> CreateCompletionQueue;

        /// <summary>Slot 7: <c>CreateMemoryRegion(REFIID iid, HANDLE hOverlappedFile, VOID** ppMemoryRegion)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, nint, void**, int> CreateMemoryRegion;

        /// <summary>Slot 8: <c>CreateMemoryWindow(REFIID iid, VOID** ppMemoryWindow)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, void**, int> CreateMemoryWindow;

        /// <summary>Slot 9: <c>CreateSharedReceiveQueue(REFIID iid, HANDLE hOverlappedFile, ULONG queueDepth,
        /// ULONG maxRequestSge, ULONG notifyThreshold, USHORT group, KAFFINITY affinity, VOID** ppSharedReceiveQueue)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, nint, uint, uint, uint, ushort, nuint, void**, int> CreateSharedReceiveQueue;

        /// <summary>Slot 10: <c>CreateQueuePair(REFIID iid, IUnknown* pReceiveCompletionQueue,
        /// IUnknown* pInitiatorCompletionQueue, VOID* context, ULONG receiveQueueDepth, ULONG initiatorQueueDepth,
        /// ULONG maxReceiveRequestSge, ULONG maxInitiatorRequestSge, ULONG inlineDataSize, VOID** ppQueuePair)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, IUnknown*, IUnknown*, void*, uint, uint, uint, uint, uint, void**, int> CreateQueuePair;

        /// <summary>Slot 11: <c>CreateQueuePairWithSrq(REFIID iid, IUnknown* pReceiveCompletionQueue,
        /// IUnknown* pInitiatorCompletionQueue, IUnknown* pSharedReceiveQueue, VOID* context,
        /// ULONG initiatorQueueDepth, ULONG maxInitiatorRequestSge, ULONG inlineDataSize, VOID** ppQueuePair)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, IUnknown*, IUnknown*, IUnknown*, void*, uint, uint, uint, void**, int> CreateQueuePairWithSrq;

        /// <summary>Slot 12: <c>CreateConnector(REFIID iid, HANDLE hOverlappedFile, VOID** ppConnector)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, nint, void**, int> CreateConnector;

        /// <summary>Slot 13: <c>CreateListener(REFIID iid, HANDLE hOverlappedFile, VOID** ppListener)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, nint, void**, int> CreateListener;
    }
}
