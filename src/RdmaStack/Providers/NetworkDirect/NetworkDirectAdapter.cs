using System.Net;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Memory;
using RdmaStack.Transport;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// One opened NetworkDirect adapter (IND2Adapter) with its overlapped file and its limits (ND2_ADAPTER_INFO); it
/// makes the completion queues, queue pairs, registered memory, connectors and listeners of the provider.
/// </summary>
/// <remarks>
/// <para>Every object made here holds a reference on the adapter (and on the overlapped file its overlapped
/// requests run on), so disposing the adapter while they live only drops this wrapper's references: the file is
/// closed and the adapter released after the last of them, and the provider object after the adapter.</para>
/// <para>Set-up path; not thread-safe.</para>
/// </remarks>
internal sealed unsafe class NetworkDirectAdapter : IDisposable
{
    private readonly NetworkDirectObjectHandle _adapter;
    private readonly NetworkDirectOverlappedFileHandle _file;

    private NetworkDirectAdapter(NetworkDirectProvider provider, NetworkDirectObjectHandle adapter, NetworkDirectOverlappedFileHandle file, IPAddress address, NetworkDirectAdapterInfo info)
    {
        _adapter = adapter;
        _file = file;
        Address = address;
        Info = info;
        Name = $"NetworkDirect adapter {address} ({provider.Library.Name})";
    }

    /// <summary>The local address it was opened by.</summary>
    public IPAddress Address { get; }

    /// <summary>Its limits and capabilities.</summary>
    public NetworkDirectAdapterInfo Info { get; }

    /// <summary>"NetworkDirect adapter 192.0.2.1 (provider name)", for messages.</summary>
    public string Name { get; }

    /// <summary>The adapter object (a parent of everything made from it).</summary>
    internal NetworkDirectObjectHandle Handle => _adapter;

    private IND2Adapter* Adapter => _adapter.As<IND2Adapter>();

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Registers <paramref name="length"/> bytes of fresh, zeroed, page-aligned memory with
    /// <paramref name="flags"/> (ND_MR_FLAG_*), waiting for a Register that goes pending.</summary>
    /// <exception cref="TransportException">CreateMemoryRegion or Register failed or timed out; nothing is left registered.</exception>
    public NetworkDirectRegisteredMemory Register(long length, uint flags, string name, TimeSpan timeout)
    {
        NativeMemoryHandle memory = NativeMemoryHandle.Allocate(length);
        NetworkDirectMemoryRegionHandle? region = null;
        try
        {
            Guid iid = ndspi.IID_IND2MemoryRegion;
            void* created = null;
            int hr = Adapter->CreateMemoryRegion(&iid, _file.File, &created);
            if (hr < 0 || created == null)
            {
                throw NetworkDirectStatus.Failed(Name, $"IND2Adapter::CreateMemoryRegion for the {name}", hr);
            }

            region = new NetworkDirectMemoryRegionHandle(created, _adapter, _file, memory);
            IND2MemoryRegion* mr = region.As<IND2MemoryRegion>();
            using var overlapped = new NetworkDirectOverlapped();
            hr = mr->Register((void*)memory.DangerousGetHandle(), (nuint)length, flags, overlapped.Reset());
            hr = overlapped.Complete((IND2Overlapped*)mr, hr, timeout);
            if (hr != ndstatus.ND_SUCCESS)
            {
                throw Failed($"IND2MemoryRegion::Register of the {name} ({length} B)", hr, overlapped, timeout);
            }

            region.IsRegistered = true;
            return new NetworkDirectRegisteredMemory(region, memory, length, flags, name);
        }
        catch
        {
            region?.Dispose();
            memory.Dispose();
            throw;
        }
    }

    /// <summary>A completion queue of <paramref name="depth"/> results.</summary>
    /// <exception cref="TransportException">The call failed.</exception>
    public NetworkDirectObjectHandle CreateCompletionQueue(uint depth)
    {
        Guid iid = ndspi.IID_IND2CompletionQueue;
        void* cq = null;
        int hr = Adapter->CreateCompletionQueue(&iid, _file.File, depth, 0, 0, &cq);
        return hr >= 0 && cq != null
            ? new NetworkDirectObjectHandle(NetworkDirectHandleKind.CompletionQueue, cq, _adapter, _file)
            : throw NetworkDirectStatus.Failed(Name, $"IND2Adapter::CreateCompletionQueue of depth {depth}", hr);
    }

    /// <summary>A queue pair whose Write and Receive results both go to <paramref name="cq"/>; one scatter/gather
    /// entry per request.</summary>
    /// <exception cref="TransportException">The call failed.</exception>
    public NetworkDirectObjectHandle CreateQueuePair(NetworkDirectObjectHandle cq, uint initiatorDepth, uint receiveDepth, uint inlineDataSize)
    {
        Guid iid = ndspi.IID_IND2QueuePair;
        void* qp = null;
        int hr = Adapter->CreateQueuePair(&iid, cq.Unknown, cq.Unknown, null, receiveDepth, initiatorDepth, 1, 1, inlineDataSize, &qp);
        return hr >= 0 && qp != null
            ? new NetworkDirectObjectHandle(NetworkDirectHandleKind.QueuePair, qp, _adapter, cq)
            : throw NetworkDirectStatus.Failed(Name, $"IND2Adapter::CreateQueuePair (depth {initiatorDepth}, inline {inlineDataSize} B)", hr);
    }

    /// <summary>A connector for <paramref name="queuePair"/>'s connection (it keeps the queue pair alive, so the
    /// queue pair is released after the connector).</summary>
    /// <exception cref="TransportException">The call failed.</exception>
    public NetworkDirectObjectHandle CreateConnector(NetworkDirectObjectHandle queuePair)
    {
        Guid iid = ndspi.IID_IND2Connector;
        void* connector = null;
        int hr = Adapter->CreateConnector(&iid, _file.File, &connector);
        return hr >= 0 && connector != null
            ? new NetworkDirectObjectHandle(NetworkDirectHandleKind.Connector, connector, _adapter, _file, queuePair)
            : throw NetworkDirectStatus.Failed(Name, "IND2Adapter::CreateConnector", hr);
    }

    /// <summary>A listener (not yet bound).</summary>
    /// <exception cref="TransportException">The call failed.</exception>
    public NetworkDirectObjectHandle CreateListener()
    {
        Guid iid = ndspi.IID_IND2Listener;
        void* listener = null;
        int hr = Adapter->CreateListener(&iid, _file.File, &listener);
        return hr >= 0 && listener != null
            ? new NetworkDirectObjectHandle(NetworkDirectHandleKind.Listener, listener, _adapter, _file)
            : throw NetworkDirectStatus.Failed(Name, "IND2Adapter::CreateListener", hr);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _file.Dispose();
        _adapter.Dispose();
    }

    /// <summary>A set-up failure of an overlapped request, saying when it timed out.</summary>
    internal TransportException Failed(string operation, int status, NetworkDirectOverlapped overlapped, TimeSpan timeout) =>
        overlapped.TimedOut
            ? new TransportException($"{Name}: {operation} did not complete within {timeout.TotalSeconds:0.###} s (canceled: {NetworkDirectStatus.Describe(status)}).")
            : NetworkDirectStatus.Failed(Name, operation, status);

    /// <summary>Opens the adapter's overlapped file and queries its limits.</summary>
    internal static NetworkDirectAdapter Open(NetworkDirectProvider provider, NetworkDirectObjectHandle adapter, IPAddress address)
    {
        NetworkDirectOverlappedFileHandle? file = null;
        try
        {
            var nd = adapter.As<IND2Adapter>();
            string name = $"NetworkDirect adapter {address} ({provider.Library.Name})";
            nint handle = 0;
            int hr = nd->CreateOverlappedFile(&handle);
            if (hr < 0 || handle == 0)
            {
                throw NetworkDirectStatus.Failed(name, "IND2Adapter::CreateOverlappedFile", hr);
            }

            file = new NetworkDirectOverlappedFileHandle(handle, provider.Source, adapter);
            ND2_ADAPTER_INFO info = default;
            info.InfoVersion = 1;
            uint size = (uint)sizeof(ND2_ADAPTER_INFO);
            hr = nd->Query(&info, &size);
            if (hr != ndstatus.ND_SUCCESS)
            {
                throw NetworkDirectStatus.Failed(name, "IND2Adapter::Query", hr);
            }

            return new NetworkDirectAdapter(provider, adapter, file, address, new NetworkDirectAdapterInfo(info));
        }
        catch
        {
            file?.Dispose();
            adapter.Dispose();
            throw;
        }
    }
}
