using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>IND2MemoryRegion</c> (ndspi.h, derives from IND2Overlapped): a buffer registered with an adapter;
/// its local token goes in <see cref="ND2_SGE"/>s, its remote token to the peer that writes into it.</summary>
public unsafe struct IND2MemoryRegion
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 5: registers <paramref name="pBuffer"/> (an overlapped request).</summary>
    /// <param name="pBuffer">The buffer.</param>
    /// <param name="cbBuffer">Its length in bytes.</param>
    /// <param name="flags">ND_MR_FLAG_* access flags.</param>
    /// <param name="pOverlapped">The request's OVERLAPPED.</param>
    /// <returns>ND_SUCCESS, ND_PENDING or a failure.</returns>
    public int Register(void* pBuffer, nuint cbBuffer, uint flags, OVERLAPPED* pOverlapped) =>
        lpVtbl->Register((IND2MemoryRegion*)Unsafe.AsPointer(ref this), pBuffer, cbBuffer, flags, pOverlapped);

    /// <summary>Slot 6: deregisters the buffer (an overlapped request).</summary>
    /// <param name="pOverlapped">The request's OVERLAPPED.</param>
    /// <returns>ND_SUCCESS, ND_PENDING or a failure.</returns>
    public int Deregister(OVERLAPPED* pOverlapped) => lpVtbl->Deregister((IND2MemoryRegion*)Unsafe.AsPointer(ref this), pOverlapped);

    /// <summary>Slot 7: the token for this side's scatter/gather entries.</summary>
    /// <returns>The token.</returns>
    public uint GetLocalToken() => lpVtbl->GetLocalToken((IND2MemoryRegion*)Unsafe.AsPointer(ref this));

    /// <summary>Slot 8: the token a peer names in its Write or Read.</summary>
    /// <returns>The token.</returns>
    public uint GetRemoteToken() => lpVtbl->GetRemoteToken((IND2MemoryRegion*)Unsafe.AsPointer(ref this));

    /// <summary>IND2MemoryRegion's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryRegion*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryRegion*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryRegion*, uint> Release;

        /// <summary>Slot 3 (IND2Overlapped).</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryRegion*, int> CancelOverlappedRequests;

        /// <summary>Slot 4 (IND2Overlapped).</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryRegion*, OVERLAPPED*, int, int> GetOverlappedResult;

        /// <summary>Slot 5: <c>Register(const VOID* pBuffer, SIZE_T cbBuffer, ULONG flags, OVERLAPPED* pOverlapped)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryRegion*, void*, nuint, uint, OVERLAPPED*, int> Register;

        /// <summary>Slot 6: <c>Deregister(OVERLAPPED* pOverlapped)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryRegion*, OVERLAPPED*, int> Deregister;

        /// <summary>Slot 7: <c>UINT32 GetLocalToken()</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryRegion*, uint> GetLocalToken;

        /// <summary>Slot 8: <c>UINT32 GetRemoteToken()</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryRegion*, uint> GetRemoteToken;
    }
}
