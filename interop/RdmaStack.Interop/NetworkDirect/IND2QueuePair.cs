using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>IND2QueuePair</c> (ndspi.h): posts requests (Send, Receive, Read, Write, Bind, Invalidate); each
/// one's result arrives in the completion queue given at creation, unless it was posted with
/// ND_OP_FLAG_SILENT_SUCCESS and succeeded.</summary>
public unsafe struct IND2QueuePair
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 3: cancels every outstanding request (their results say ND_CANCELED).</summary>
    /// <returns>An ND status.</returns>
    public int Flush() => lpVtbl->Flush((IND2QueuePair*)Unsafe.AsPointer(ref this));

    /// <summary>Slot 4: posts a Send of the gathered bytes.</summary>
    /// <param name="requestContext">Comes back in the result.</param>
    /// <param name="sge">The buffers (may be null when <paramref name="nSge"/> is 0: a zero-byte Send).</param>
    /// <param name="nSge">Entries in <paramref name="sge"/>.</param>
    /// <param name="flags">ND_OP_FLAG_*.</param>
    /// <returns>An ND status.</returns>
    public int Send(void* requestContext, ND2_SGE* sge, uint nSge, uint flags) =>
        lpVtbl->Send((IND2QueuePair*)Unsafe.AsPointer(ref this), requestContext, sge, nSge, flags);

    /// <summary>Slot 5: posts a Receive into the scattered buffers.</summary>
    /// <param name="requestContext">Comes back in the result.</param>
    /// <param name="sge">The buffers (may be null when <paramref name="nSge"/> is 0).</param>
    /// <param name="nSge">Entries in <paramref name="sge"/>.</param>
    /// <returns>An ND status.</returns>
    public int Receive(void* requestContext, ND2_SGE* sge, uint nSge) =>
        lpVtbl->Receive((IND2QueuePair*)Unsafe.AsPointer(ref this), requestContext, sge, nSge);

    /// <summary>Slot 9: posts an RDMA Write of the gathered bytes to <paramref name="remoteAddress"/> in the peer's
    /// region named by <paramref name="remoteToken"/>.</summary>
    /// <param name="requestContext">Comes back in the result.</param>
    /// <param name="sge">The source buffers.</param>
    /// <param name="nSge">Entries in <paramref name="sge"/>.</param>
    /// <param name="remoteAddress">Where in the peer's memory.</param>
    /// <param name="remoteToken">The peer region's remote token.</param>
    /// <param name="flags">ND_OP_FLAG_* (SILENT_SUCCESS, INLINE, READ_FENCE).</param>
    /// <returns>An ND status.</returns>
    public int Write(void* requestContext, ND2_SGE* sge, uint nSge, ulong remoteAddress, uint remoteToken, uint flags) =>
        lpVtbl->Write((IND2QueuePair*)Unsafe.AsPointer(ref this), requestContext, sge, nSge, remoteAddress, remoteToken, flags);

    /// <summary>IND2QueuePair's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, uint> Release;

        /// <summary>Slot 3: <c>Flush()</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, int> Flush;

        /// <summary>Slot 4: <c>Send(VOID* requestContext, const ND2_SGE sge[], ULONG nSge, ULONG flags)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, void*, ND2_SGE*, uint, uint, int> Send;

        /// <summary>Slot 5: <c>Receive(VOID* requestContext, const ND2_SGE sge[], ULONG nSge)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, void*, ND2_SGE*, uint, int> Receive;

        /// <summary>Slot 6: <c>Bind(VOID* requestContext, IUnknown* pMemoryRegion, IUnknown* pMemoryWindow,
        /// const VOID* pBuffer, SIZE_T cbBuffer, ULONG flags)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, void*, IUnknown*, IUnknown*, void*, nuint, uint, int> Bind;

        /// <summary>Slot 7: <c>Invalidate(VOID* requestContext, IUnknown* pMemoryWindow, ULONG flags)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, void*, IUnknown*, uint, int> Invalidate;

        /// <summary>Slot 8: <c>Read(VOID* requestContext, const ND2_SGE sge[], ULONG nSge, UINT64 remoteAddress,
        /// UINT32 remoteToken, ULONG flags)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, void*, ND2_SGE*, uint, ulong, uint, uint, int> Read;

        /// <summary>Slot 9: <c>Write(VOID* requestContext, const ND2_SGE sge[], ULONG nSge, UINT64 remoteAddress,
        /// UINT32 remoteToken, ULONG flags)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2QueuePair*, void*, ND2_SGE*, uint, ulong, uint, uint, int> Write;
    }
}
