using System.Net;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Transport;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// One NetworkDirect provider (IND2Provider), obtained from its library's DllGetClassObject: the local addresses
/// it serves (QueryAddressList) and the adapters behind them (ResolveAddress, OpenAdapter).
/// </summary>
/// <remarks>An adapter keeps the provider object alive; disposing this only drops this wrapper's reference.
/// Set-up path; not thread-safe.</remarks>
internal sealed unsafe class NetworkDirectProvider : IDisposable
{
    private readonly NetworkDirectObjectHandle _provider;

    private NetworkDirectProvider(NetworkDirectProviderLibrary library, INetworkDirectProviderSource source, NetworkDirectObjectHandle provider)
    {
        Library = library;
        Source = source;
        _provider = provider;
    }

    /// <summary>The library the provider came from.</summary>
    public NetworkDirectProviderLibrary Library { get; }

    /// <summary>Where the library came from.</summary>
    public INetworkDirectProviderSource Source { get; }

    private IND2Provider* Provider => _provider.As<IND2Provider>();

    /// <summary>Instantiates the library's IND2Provider: DllGetClassObject(provider GUID, IID_IND2Provider), as
    /// Microsoft's own NetworkDirect framework asks for it, or, from a library that answers E_NOINTERFACE, through
    /// the IClassFactory it hands out instead (CreateInstance(IID_IND2Provider)).</summary>
    /// <exception cref="TransportException">The library was not loaded, or gave no IND2Provider (the message names
    /// the library and the HRESULT).</exception>
    public static NetworkDirectProvider Open(NetworkDirectProviderLibrary library, INetworkDirectProviderSource source)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(source);
        if (library.LoadError is not null)
        {
            throw new TransportException($"NetworkDirect provider {library}: {library.LoadError}.");
        }

        Guid classId = library.ProviderId;
        Guid providerIid = ndspi.IID_IND2Provider;
        void* provider = null;
        int hr = library.GetClassObject(&classId, &providerIid, &provider);
        if (hr == winerror.E_NOINTERFACE)
        {
            Guid factoryIid = ndspi.IID_IClassFactory;
            void* factory = null;
            hr = library.GetClassObject(&classId, &factoryIid, &factory);
            if (hr >= 0 && factory != null)
            {
                hr = ((IClassFactory*)factory)->CreateInstance(null, &providerIid, &provider);
                ((IClassFactory*)factory)->Release();
            }
        }

        if (hr < 0 || provider == null)
        {
            throw NetworkDirectStatus.Failed($"NetworkDirect provider {library}", "DllGetClassObject for IND2Provider", hr);
        }

        return new NetworkDirectProvider(library, source, new NetworkDirectObjectHandle(NetworkDirectHandleKind.Provider, provider));
    }

    /// <summary>The local addresses the provider's adapters serve (IND2Provider::QueryAddressList, sized by a first
    /// call with no buffer, again while the list grows between calls).</summary>
    /// <exception cref="TransportException">The call failed.</exception>
    public IReadOnlyList<IPAddress> QueryAddressList()
    {
        uint size = 0;
        int hr = Provider->QueryAddressList(null, &size);
        for (int attempt = 0; attempt < 8 && hr == ndstatus.ND_BUFFER_OVERFLOW; attempt++)
        {
            var list = (SOCKET_ADDRESS_LIST*)NativeMemory.AllocZeroed(size);
            try
            {
                hr = Provider->QueryAddressList(list, &size);
                if (hr == ndstatus.ND_SUCCESS)
                {
                    return NetworkDirectSocketAddress.ReadList(list);
                }
            }
            finally
            {
                NativeMemory.Free(list);
            }
        }

        return hr == ndstatus.ND_SUCCESS ? [] : throw NetworkDirectStatus.Failed($"NetworkDirect provider {Library}", "IND2Provider::QueryAddressList", hr);
    }

    /// <summary>Opens the adapter that serves <paramref name="address"/>: ResolveAddress gives its id, OpenAdapter
    /// opens it, then its overlapped file is created and its limits queried.</summary>
    /// <exception cref="TransportException">The provider does not serve the address, or a call failed (the
    /// message names the call and its ND status).</exception>
    public NetworkDirectAdapter OpenAdapter(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        ulong adapterId = ResolveAddress(address);
        Guid iid = ndspi.IID_IND2Adapter;
        void* adapter = null;
        int hr = Provider->OpenAdapter(&iid, adapterId, &adapter);
        if (hr < 0 || adapter == null)
        {
            throw NetworkDirectStatus.Failed($"NetworkDirect provider {Library}", $"IND2Provider::OpenAdapter for {address}", hr);
        }

        return NetworkDirectAdapter.Open(this, new NetworkDirectObjectHandle(NetworkDirectHandleKind.Adapter, adapter, _provider), address);
    }

    /// <summary>The id of the adapter behind <paramref name="address"/> (IND2Provider::ResolveAddress).</summary>
    /// <exception cref="TransportException">The provider does not serve it.</exception>
    public ulong ResolveAddress(IPAddress address)
    {
        byte* sockaddr = stackalloc byte[NetworkDirectSocketAddress.MaxLength];
        int length = NetworkDirectSocketAddress.Write(new IPEndPoint(address, 0), sockaddr);
        ulong id = 0;
        int hr = Provider->ResolveAddress((SOCKADDR*)sockaddr, (uint)length, &id);
        return hr == ndstatus.ND_SUCCESS ? id : throw NetworkDirectStatus.Failed($"NetworkDirect provider {Library}", $"IND2Provider::ResolveAddress of {address}", hr);
    }

    /// <inheritdoc/>
    public void Dispose() => _provider.Dispose();
}
