using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>IND2Provider</c> (ndspi.h): a NetworkDirect provider library's entry object, obtained through its
/// <c>DllGetClassObject</c>: which local addresses it serves, and the adapters behind them.</summary>
public unsafe struct IND2Provider
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 3: the local addresses the provider's adapters serve.</summary>
    /// <param name="pAddressList">Filled in (may be null when <paramref name="pcbAddressList"/> points to 0).</param>
    /// <param name="pcbAddressList">In: room; out: the size used or needed (ND_BUFFER_OVERFLOW).</param>
    /// <returns>An ND status.</returns>
    public int QueryAddressList(SOCKET_ADDRESS_LIST* pAddressList, uint* pcbAddressList) =>
        lpVtbl->QueryAddressList((IND2Provider*)Unsafe.AsPointer(ref this), pAddressList, pcbAddressList);

    /// <summary>Slot 4: the adapter behind a local address.</summary>
    /// <param name="pAddress">A SOCKADDR_IN or SOCKADDR_IN6 (the port is ignored).</param>
    /// <param name="cbAddress">Its size.</param>
    /// <param name="pAdapterId">Receives the adapter's id.</param>
    /// <returns>An ND status (ND_INVALID_ADDRESS when the provider does not serve it).</returns>
    public int ResolveAddress(SOCKADDR* pAddress, uint cbAddress, ulong* pAdapterId) =>
        lpVtbl->ResolveAddress((IND2Provider*)Unsafe.AsPointer(ref this), pAddress, cbAddress, pAdapterId);

    /// <summary>Slot 5: opens an adapter by id.</summary>
    /// <param name="iid">IID_IND2Adapter.</param>
    /// <param name="adapterId">From <see cref="ResolveAddress"/>.</param>
    /// <param name="ppAdapter">Receives it.</param>
    /// <returns>An ND status.</returns>
    public int OpenAdapter(Guid* iid, ulong adapterId, void** ppAdapter) =>
        lpVtbl->OpenAdapter((IND2Provider*)Unsafe.AsPointer(ref this), iid, adapterId, ppAdapter);

    /// <summary>IND2Provider's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Provider*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Provider*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2Provider*, uint> Release;

        /// <summary>Slot 3: <c>QueryAddressList(SOCKET_ADDRESS_LIST* pAddressList, ULONG* pcbAddressList)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Provider*, SOCKET_ADDRESS_LIST*, uint*, int> QueryAddressList;

        /// <summary>Slot 4: <c>ResolveAddress(const struct sockaddr* pAddress, ULONG cbAddress, UINT64* pAdapterId)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Provider*, SOCKADDR*, uint, ulong*, int> ResolveAddress;

        /// <summary>Slot 5: <c>OpenAdapter(REFIID iid, UINT64 adapterId, VOID** ppAdapter)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2Provider*, Guid*, ulong, void**, int> OpenAdapter;
    }
}
