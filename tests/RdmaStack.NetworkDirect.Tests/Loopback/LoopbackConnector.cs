using System.Net;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>
/// The double's IND2Connector. Active: Bind, Connect (pending until the listener's side accepts or rejects; the
/// private data reaches it padded to the adapter's MaxCallerData, as InfiniBand's fixed-size CM messages do),
/// CompleteConnect (which completes the acceptor's pending Accept). Passive: handed a request by the listener,
/// GetPrivateData, Reject or Accept. Either: NotifyDisconnect (pending until the connection goes down) and
/// Disconnect (both sides' queue pairs are closed; the peer's notification completes).
/// </summary>
internal sealed unsafe class LoopbackConnector(LoopbackAdapter adapter)
    : LoopbackComObject(adapter.Fabric, LoopbackVtables.Connector, "Connector")
{
    private static readonly Guid[] s_interfaces = [ndspi.IID_IND2Connector, ndspi.IID_IND2Overlapped];
    private ConnectorState _state;
    private OVERLAPPED* _connect;
    private OVERLAPPED* _accept;
    private OVERLAPPED* _notify;
    private byte[] _sent = [];
    private byte[] _received = [];

    private enum ConnectorState
    {
        Idle,
        Connecting,
        Accepted,
        Requested,
        Accepting,
        Connected,
        Closed,
        Rejected,
    }

    public LoopbackAdapter Adapter { get; } = adapter;

    public LoopbackDevice Device => Adapter.Device;

    public LoopbackConnector? Peer { get; private set; }

    public LoopbackQueuePair? QueuePair { get; private set; }

    public IPEndPoint? Local { get; private set; }

    public bool IsConnected => _state == ConnectorState.Connected;

    protected override ReadOnlySpan<Guid> Interfaces => s_interfaces;

    public int Bind(SOCKADDR* address, uint length)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            IPEndPoint? endPoint = LoopbackSocketAddress.Read(address, length);
            if (endPoint is null || !endPoint.Address.Equals(Device.Address))
            {
                return ndstatus.ND_INVALID_ADDRESS;
            }

            Local = new IPEndPoint(endPoint.Address, endPoint.Port == 0 ? Fabric.NextPort() : endPoint.Port);
            return ndstatus.ND_SUCCESS;
        }
    }

    public int Connect(void* queuePair, SOCKADDR* destination, uint length, void* privateData, uint privateDataLength, OVERLAPPED* overlapped)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            if (Device.Removed)
            {
                return ndstatus.ND_DEVICE_REMOVED;
            }

            if (privateDataLength > Device.Info.MaxCallerData)
            {
                return ndstatus.ND_INVALID_BUFFER_SIZE;
            }

            LoopbackQueuePair? qp = From<LoopbackQueuePair>(queuePair);
            if (qp is null || qp.Device != Device || _state != ConnectorState.Idle)
            {
                return qp is { IsConnected: true } ? ndstatus.ND_CONNECTION_ACTIVE : ndstatus.ND_INVALID_PARAMETER_1;
            }

            Local ??= new IPEndPoint(Device.Address, Fabric.NextPort());
            QueuePair = qp;
            _sent = Padded(privateData, privateDataLength, Device.Info.MaxCallerData);
            _connect = overlapped;
            Pend(overlapped);
            IPEndPoint? target = LoopbackSocketAddress.Read(destination, length);
            LoopbackListener? listener = target is null ? null : Fabric.ListenerAt(target);
            if (listener is null || !listener.IsListening || listener.Device.Removed)
            {
                Fabric.Log($"{Name}: connect to {target} refused (no listener)");
                CompleteRequest(overlapped, ndstatus.ND_CONNECTION_REFUSED);
                return ndstatus.ND_PENDING;
            }

            _state = ConnectorState.Connecting;
            listener.Enqueue(this);
            return ndstatus.ND_PENDING;
        }
    }

    /// <summary>Under the gate: the listener hands this (passive) connector the request of <paramref name="active"/>.</summary>
    public void TakeRequest(LoopbackConnector active)
    {
        Peer = active;
        active.Peer = this;
        _received = active._sent;
        _state = ConnectorState.Requested;
    }

    /// <summary>Under the gate: the listener went away before taking the request.</summary>
    public void Refuse()
    {
        _state = ConnectorState.Rejected;
        CompleteRequest(_connect, ndstatus.ND_CONNECTION_REFUSED);
    }

    public int GetPrivateData(void* data, uint* length)
    {
        using (Fabric.Gate.EnterScope())
        {
            if (_state is ConnectorState.Idle or ConnectorState.Connecting)
            {
                return ndstatus.ND_CONNECTION_INVALID;
            }

            int copied = (int)Math.Min(*length, (uint)_received.Length);
            _received.AsSpan(0, copied).CopyTo(new Span<byte>(data, copied));
            bool overflow = *length < _received.Length;
            *length = (uint)_received.Length;
            return overflow ? ndstatus.ND_BUFFER_OVERFLOW : ndstatus.ND_SUCCESS;
        }
    }

    public int Accept(void* queuePair, void* privateData, uint privateDataLength, OVERLAPPED* overlapped)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            if (Device.Removed)
            {
                return ndstatus.ND_DEVICE_REMOVED;
            }

            if (_state != ConnectorState.Requested)
            {
                return ndstatus.ND_CONNECTION_INVALID;
            }

            if (privateDataLength > Device.Info.MaxCalleeData)
            {
                return ndstatus.ND_INVALID_BUFFER_SIZE;
            }

            LoopbackQueuePair? qp = From<LoopbackQueuePair>(queuePair);
            if (qp is null || qp.Device != Device)
            {
                return ndstatus.ND_INVALID_PARAMETER_1;
            }

            LoopbackConnector active = Peer!;
            if (!active.IsAlive || active._state != ConnectorState.Connecting)
            {
                return ndstatus.ND_CONNECTION_ABORTED;
            }

            QueuePair = qp;
            active._received = Padded(privateData, privateDataLength, active.Device.Info.MaxCalleeData);
            _state = ConnectorState.Accepting;
            _accept = overlapped;
            Pend(overlapped);
            active._state = ConnectorState.Accepted;
            active.CompleteRequest(active._connect, ndstatus.ND_SUCCESS);
            return ndstatus.ND_PENDING;
        }
    }

    public int Reject()
    {
        using (Fabric.Gate.EnterScope())
        {
            Fabric.Log($"reject {Name}");
            if (_state == ConnectorState.Requested && Peer is { IsAlive: true } active)
            {
                active._state = ConnectorState.Rejected;
                active.CompleteRequest(active._connect, ndstatus.ND_CONNECTION_REFUSED);
            }
            else if (_state == ConnectorState.Accepted && Peer is { IsAlive: true } passive)
            {
                passive._state = ConnectorState.Rejected;
                passive.CompleteRequest(passive._accept, ndstatus.ND_CONNECTION_ABORTED);
            }
            else
            {
                return ndstatus.ND_CONNECTION_INVALID;
            }

            _state = ConnectorState.Rejected;
            return ndstatus.ND_SUCCESS;
        }
    }

    public int CompleteConnect(OVERLAPPED* overlapped)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            if (Device.Removed)
            {
                return ndstatus.ND_DEVICE_REMOVED;
            }

            if (_state != ConnectorState.Accepted || Peer is not { IsAlive: true, _state: ConnectorState.Accepting } passive)
            {
                return ndstatus.ND_CONNECTION_INVALID;
            }

            QueuePair!.Connect(passive.QueuePair!, this);
            passive.QueuePair!.Connect(QueuePair, passive);
            _state = ConnectorState.Connected;
            passive._state = ConnectorState.Connected;
            passive.CompleteRequest(passive._accept, ndstatus.ND_SUCCESS);
            Fabric.Log($"connect {QueuePair.Name} ({Device.Address}) to {passive.QueuePair.Name} ({passive.Device.Address})");
            return Finish(overlapped, ndstatus.ND_SUCCESS);
        }
    }

    public int NotifyDisconnect(OVERLAPPED* overlapped)
    {
        using (Fabric.Gate.EnterScope())
        {
            if (_state == ConnectorState.Closed)
            {
                return ndstatus.ND_SUCCESS;
            }

            if (_state != ConnectorState.Connected)
            {
                return ndstatus.ND_CONNECTION_INVALID;
            }

            _notify = overlapped;
            return Pend(overlapped);
        }
    }

    public int Disconnect(OVERLAPPED* overlapped)
    {
        using (Fabric.Gate.EnterScope())
        {
            if (_state is not (ConnectorState.Connected or ConnectorState.Closed))
            {
                return ndstatus.ND_CONNECTION_INVALID;
            }

            Fabric.Log($"disconnect {Name}");
            if (_state == ConnectorState.Connected)
            {
                _state = ConnectorState.Closed;
                QueuePair!.Close();
                if (Peer is { IsAlive: true, _state: ConnectorState.Connected } peer)
                {
                    peer.QueuePair!.Close();
                    peer.OnBroken(ndstatus.ND_SUCCESS);
                }
            }

            return Finish(overlapped, ndstatus.ND_SUCCESS);
        }
    }

    public int GetAddress(bool peer, SOCKADDR* address, uint* length)
    {
        using (Fabric.Gate.EnterScope())
        {
            IPEndPoint? endPoint = peer ? Peer?.Local : Local;
            if (endPoint is null)
            {
                return ndstatus.ND_CONNECTION_INVALID;
            }

            uint size = (uint)LoopbackSocketAddress.Size(endPoint);
            if (*length < size)
            {
                *length = size;
                return ndstatus.ND_BUFFER_OVERFLOW;
            }

            LoopbackSocketAddress.Write(endPoint, address);
            *length = size;
            return ndstatus.ND_SUCCESS;
        }
    }

    /// <summary>Under the gate: the connection went down; the disconnect notification completes.</summary>
    public void OnBroken(int status)
    {
        if (_state == ConnectorState.Connected)
        {
            _state = ConnectorState.Closed;
        }

        if (_notify != null)
        {
            CompleteRequest(_notify, status);
            _notify = null;
        }
    }

    /// <summary>Under the gate: the device went away; every pending request completes with ND_DEVICE_REMOVED.</summary>
    public void OnDeviceRemoved()
    {
        if (_state == ConnectorState.Connected)
        {
            _state = ConnectorState.Closed;
        }

        CompleteAll(ndstatus.ND_DEVICE_REMOVED);
        _notify = null;
    }

    protected override void OnReleased()
    {
        base.OnReleased();
        if (_state == ConnectorState.Connected)
        {
            Fabric.Error($"{Name} was released while connected (no Disconnect)");
        }
    }

    private static byte[] Padded(void* data, uint length, uint carried)
    {
        var bytes = new byte[Math.Max(length, carried)];
        new ReadOnlySpan<byte>(data, (int)length).CopyTo(bytes);
        return bytes;
    }
}
