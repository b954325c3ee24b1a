using System.Collections.Concurrent;
using System.Net;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Providers.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>
/// A loopback NetworkDirect "network" for tests, and nothing more: a TEST DOUBLE of a NetworkDirect v2 provider,
/// written in C#, whose objects are real COM objects (native blocks with vtables of [UnmanagedCallersOnly]
/// functions) that the library reaches through the same vtable calls it makes to a real provider on Windows. It
/// keeps the SPI's semantics in one process: adapters with addresses and limits, memory regions with local and
/// remote tokens (a Write must name a region registered for remote write, and its bytes land there), queue pairs
/// and completion queues (signaled and silent results), connectors and listeners with private data, overlapped
/// requests that complete at once or through the OVERLAPPED, and faults injected on demand: a Write that fails with
/// a given status (as a result or at the post), a connection abort, a device removal.
/// </summary>
/// <remarks>It moves no byte over any network and proves nothing about a real adapter or provider: only a Windows
/// host with an ND provider does that (see hw-lab/windows/README.md).</remarks>
internal sealed unsafe class LoopbackFabric : IDisposable
{
    private static readonly ConcurrentDictionary<Guid, LoopbackFabric> s_fabrics = new();
    private readonly List<LoopbackComObject> _objects = [];
    private readonly List<string> _events = [];
    private readonly List<string> _errors = [];
    private readonly List<LoopbackDevice> _devices = [];
    private readonly Dictionary<nint, (int Status, int Polls)> _deferred = [];
    private readonly Dictionary<uint, LoopbackMemoryRegion> _regionsByRemoteToken = [];
    private readonly Dictionary<uint, LoopbackMemoryRegion> _regionsByLocalToken = [];
    private readonly Dictionary<IPEndPoint, LoopbackListener> _listeners = [];
    private readonly HashSet<nint> _openFiles = [];
    private uint _nextToken = 0x1000;
    private int _nextPort = 50000;
    private nint _nextFile = 0x4000;
    private bool _disposed;

    public LoopbackFabric()
    {
        s_fabrics[ProviderId] = this;
        Source = new LoopbackProviderSource(this);
    }

    /// <summary>Serializes every state change of the double (calls may come from several threads).</summary>
    public Lock Gate { get; } = new();

    /// <summary>The GUID the double's DllGetClassObject serves.</summary>
    public Guid ProviderId { get; } = Guid.NewGuid();

    /// <summary>How requests the double could finish at once are finished.</summary>
    public LoopbackCompletionMode Mode { get; set; }

    /// <summary>DllGetClassObject hands out only an IClassFactory (E_NOINTERFACE for IND2Provider).</summary>
    public bool ServeClassFactoryOnly { get; set; }

    /// <summary>The next IND2MemoryRegion::Register fails with this status (through the OVERLAPPED in Pending mode).</summary>
    public int? FailNextRegistration { get; set; }

    /// <summary>The next IND2QueuePair::Send (the set-up's first message) fails with this status as its result.</summary>
    public int? FailNextSend { get; set; }

    /// <summary>Requests that went pending and were completed through their OVERLAPPED in <see cref="LoopbackCompletionMode.Pending"/>.</summary>
    public int DeferredCompletions { get; private set; }

    /// <summary>The source to hand the library's discovery.</summary>
    public INetworkDirectProviderSource Source { get; }

    public IReadOnlyList<LoopbackDevice> Devices
    {
        get
        {
            using (Gate.EnterScope())
            {
                return [.. _devices];
            }
        }
    }

    /// <summary>"create QueuePair#7", "disconnect Connector#9", "release Adapter#3", "close OverlappedFile#0x4001", in order.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            using (Gate.EnterScope())
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Misuses of the SPI the double saw (a call after release, an exception inside an entry point, ...).</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            using (Gate.EnterScope())
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Objects not yet released, and overlapped files not yet closed.</summary>
    public int Live
    {
        get
        {
            using (Gate.EnterScope())
            {
                return _objects.Count(o => o.IsAlive) + _openFiles.Count;
            }
        }
    }

    /// <summary>Registered regions (any adapter), for checks of their flags.</summary>
    public IReadOnlyList<LoopbackMemoryRegion> Regions
    {
        get
        {
            using (Gate.EnterScope())
            {
                return [.. _regionsByRemoteToken.Values];
            }
        }
    }

    public static LoopbackFabric? Find(Guid providerId) => s_fabrics.TryGetValue(providerId, out LoopbackFabric? fabric) ? fabric : null;

    /// <summary>Adds an adapter at <paramref name="address"/> (a documentation address such as 192.0.2.1: nothing is
    /// sent anywhere); <paramref name="tweak"/> changes its limits.</summary>
    public LoopbackDevice AddDevice(string address, Func<ND2_ADAPTER_INFO, ND2_ADAPTER_INFO>? tweak = null)
    {
        using (Gate.EnterScope())
        {
            ulong id = (ulong)_devices.Count + 1;
            ND2_ADAPTER_INFO info = LoopbackDevice.DefaultInfo(id);
            var device = new LoopbackDevice(id, IPAddress.Parse(address), tweak is null ? info : tweak(info));
            _devices.Add(device);
            return device;
        }
    }

    /// <summary>The double's queue pair behind a library pointer.</summary>
    public static LoopbackQueuePair QueuePairAt(nint pointer) => LoopbackComObject.From<LoopbackQueuePair>((void*)pointer)!;

    /// <summary>Breaks the connection of <paramref name="queuePair"/>: the next Write of each end completes with
    /// <paramref name="status"/> (later ones with ND_CANCELED), and each end's disconnect notification completes.</summary>
    public void AbortConnection(LoopbackQueuePair queuePair, int status = ndstatus.ND_CONNECTION_ABORTED)
    {
        using (Gate.EnterScope())
        {
            Log($"abort {queuePair.Name} with {status:X8}");
            LoopbackQueuePair? peer = queuePair.Peer;
            queuePair.Break(status, ndstatus.ND_SUCCESS);
            peer?.Break(status, ndstatus.ND_SUCCESS);
        }
    }

    /// <summary>Removes <paramref name="device"/> from the system: its queue pairs' posts return ND_DEVICE_REMOVED,
    /// its objects' pending requests complete with it, and its peers' next Writes time out (ND_IO_TIMEOUT).</summary>
    public void RemoveDevice(LoopbackDevice device)
    {
        using (Gate.EnterScope())
        {
            Log($"remove device {device.Address}");
            device.Removed = true;
            foreach (LoopbackComObject o in _objects)
            {
                if (o.IsAlive && o is LoopbackQueuePair qp && qp.Device == device)
                {
                    LoopbackQueuePair? peer = qp.Peer;
                    qp.Break(ndstatus.ND_DEVICE_REMOVED, ndstatus.ND_DEVICE_REMOVED);
                    peer?.Break(ndstatus.ND_IO_TIMEOUT, notifyStatus: null);
                }
                else if (o.IsAlive && o is LoopbackConnector connector && connector.Device == device)
                {
                    connector.OnDeviceRemoved();
                }
            }
        }
    }

    /// <summary>Brings a removed <paramref name="device"/> back (its driver restarted): adapters opened on it from now on
    /// work; the objects made before the removal stay broken.</summary>
    public void RestoreDevice(LoopbackDevice device)
    {
        using (Gate.EnterScope())
        {
            Log($"restore device {device.Address}");
            device.Removed = false;
        }
    }

    /// <summary>The connected queue pairs of <paramref name="device"/> (of every adapter opened on it).</summary>
    public IReadOnlyList<LoopbackQueuePair> ConnectedQueuePairs(LoopbackDevice device)
    {
        using (Gate.EnterScope())
        {
            return [.. _objects.OfType<LoopbackQueuePair>().Where(q => q.IsAlive && q.IsConnected && q.Device == device)];
        }
    }

    /// <summary>Fails the test if the double saw a misuse of the SPI or objects are still alive.</summary>
    public void AssertClean(bool allReleased = true)
    {
        Assert.True(Errors.Count == 0, "the double saw misuse of the SPI:\n" + string.Join("\n", Errors));
        if (allReleased)
        {
            Assert.True(Live == 0, $"{Live} object(s) or file(s) of the double were not released:\n" + string.Join("\n", Events.TakeLast(20)));
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        s_fabrics.TryRemove(ProviderId, out _);
        using (Gate.EnterScope())
        {
            foreach (LoopbackComObject o in _objects)
            {
                o.Free();
            }

            _objects.Clear();
        }
    }

    internal int Register(LoopbackComObject o)
    {
        using (Gate.EnterScope())
        {
            _objects.Add(o);
            return _objects.Count;
        }
    }

    internal void Log(string text)
    {
        using (Gate.EnterScope())
        {
            _events.Add(text);
        }
    }

    internal void Error(string text)
    {
        using (Gate.EnterScope())
        {
            _errors.Add(text);
            _events.Add("ERROR " + text);
        }
    }

    internal int Finish(OVERLAPPED* overlapped, int status)
    {
        if (Mode == LoopbackCompletionMode.Immediate)
        {
            return status;
        }

        using (Gate.EnterScope())
        {
            overlapped->Internal = unchecked((nuint)ndstatus.ND_PENDING);
            _deferred[(nint)overlapped] = (status, 1);
            return ndstatus.ND_PENDING;
        }
    }

    internal int PollDeferred(OVERLAPPED* overlapped)
    {
        using (Gate.EnterScope())
        {
            if (_deferred.TryGetValue((nint)overlapped, out (int Status, int Polls) deferred))
            {
                if (deferred.Polls > 0)
                {
                    _deferred[(nint)overlapped] = (deferred.Status, deferred.Polls - 1);
                    return ndstatus.ND_PENDING;
                }

                _deferred.Remove((nint)overlapped);
                DeferredCompletions++;
                Volatile.Write(ref overlapped->Internal, (nuint)(uint)deferred.Status);
            }

            return (int)(uint)Volatile.Read(ref overlapped->Internal);
        }
    }

    internal uint NextToken() => _nextToken += 0x11;

    internal void AddRegion(LoopbackMemoryRegion region)
    {
        _regionsByRemoteToken[region.RemoteToken] = region;
        _regionsByLocalToken[region.LocalToken] = region;
    }

    internal void RemoveRegion(LoopbackMemoryRegion region)
    {
        _regionsByRemoteToken.Remove(region.RemoteToken);
        _regionsByLocalToken.Remove(region.LocalToken);
    }

    internal LoopbackMemoryRegion? RegionByRemoteToken(uint token) => _regionsByRemoteToken.GetValueOrDefault(token);

    internal LoopbackMemoryRegion? LocalRegion(LoopbackDevice device, uint localToken) =>
        _regionsByLocalToken.TryGetValue(localToken, out LoopbackMemoryRegion? region) && region.Device == device ? region : null;

    internal int NextPort() => _nextPort++;

    internal List<LoopbackQueuePair> QueuePairsUsing(LoopbackCompletionQueue cq) =>
        [.. _objects.OfType<LoopbackQueuePair>().Where(q => q.IsAlive && (q.ReceiveCq == cq || q.InitiatorCq == cq))];

    internal bool AddListener(IPEndPoint endPoint, LoopbackListener listener) => _listeners.TryAdd(endPoint, listener);

    internal void RemoveListener(IPEndPoint endPoint) => _listeners.Remove(endPoint);

    internal LoopbackListener? ListenerAt(IPEndPoint endPoint) => _listeners.GetValueOrDefault(endPoint);

    internal nint OpenFile()
    {
        using (Gate.EnterScope())
        {
            nint file = ++_nextFile;
            _openFiles.Add(file);
            _events.Add($"open OverlappedFile#0x{file:X}");
            return file;
        }
    }

    internal int CloseFile(nint file)
    {
        using (Gate.EnterScope())
        {
            if (!_openFiles.Remove(file))
            {
                _errors.Add($"CloseHandle of 0x{file:X}, which is not an open overlapped file");
                return 6; // ERROR_INVALID_HANDLE
            }

            _events.Add($"close OverlappedFile#0x{file:X}");
            return 0;
        }
    }

    internal bool IsFileOpen(nint file)
    {
        using (Gate.EnterScope())
        {
            return _openFiles.Contains(file);
        }
    }
}
