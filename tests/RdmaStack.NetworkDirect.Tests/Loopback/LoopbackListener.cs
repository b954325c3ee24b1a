using System.Net;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2Listener: bound to its adapter's address (port 0: the next free one), it queues
/// connection requests and hands each to the connector of a GetConnectionRequest, now or when one arrives.</summary>
internal sealed unsafe class LoopbackListener(LoopbackAdapter adapter)
    : LoopbackComObject(adapter.Fabric, LoopbackVtables.Listener, "Listener")
{
    private static readonly Guid[] s_interfaces = [ndspi.IID_IND2Listener, ndspi.IID_IND2Overlapped];
    private readonly Queue<LoopbackConnector> _backlog = new();
    private readonly Queue<(LoopbackConnector Connector, nint Overlapped)> _waiting = new();

    public LoopbackAdapter Adapter { get; } = adapter;

    public LoopbackDevice Device => Adapter.Device;

    public IPEndPoint? Local { get; private set; }

    public bool IsListening { get; private set; }

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

            var bound = new IPEndPoint(endPoint.Address, endPoint.Port == 0 ? Fabric.NextPort() : endPoint.Port);
            if (!Fabric.AddListener(bound, this))
            {
                return ndstatus.ND_SHARING_VIOLATION;
            }

            Local = bound;
            return ndstatus.ND_SUCCESS;
        }
    }

    public int Listen()
    {
        using (Fabric.Gate.EnterScope())
        {
            if (Local is null)
            {
                return ndstatus.ND_INVALID_DEVICE_STATE;
            }

            IsListening = true;
            return ndstatus.ND_SUCCESS;
        }
    }

    public int GetLocalAddress(SOCKADDR* address, uint* length)
    {
        using (Fabric.Gate.EnterScope())
        {
            if (Local is null)
            {
                return ndstatus.ND_INVALID_DEVICE_STATE;
            }

            uint size = (uint)LoopbackSocketAddress.Size(Local);
            if (*length < size)
            {
                *length = size;
                return ndstatus.ND_BUFFER_OVERFLOW;
            }

            LoopbackSocketAddress.Write(Local, address);
            *length = size;
            return ndstatus.ND_SUCCESS;
        }
    }

    public int GetConnectionRequest(void* connector, OVERLAPPED* overlapped)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            LoopbackConnector? passive = From<LoopbackConnector>(connector);
            if (passive is null || passive.Device != Device)
            {
                return ndstatus.ND_INVALID_PARAMETER_1;
            }

            if (Device.Removed)
            {
                return ndstatus.ND_DEVICE_REMOVED;
            }

            while (_backlog.TryDequeue(out LoopbackConnector? active))
            {
                if (active.IsAlive)
                {
                    passive.TakeRequest(active);
                    return Finish(overlapped, ndstatus.ND_SUCCESS);
                }
            }

            _waiting.Enqueue((passive, (nint)overlapped));
            return Pend(overlapped);
        }
    }

    /// <summary>Under the gate: a connection request from <paramref name="active"/> arrives.</summary>
    public void Enqueue(LoopbackConnector active)
    {
        // A GetConnectionRequest that was canceled in the meantime takes nothing.
        while (_waiting.TryDequeue(out (LoopbackConnector Connector, nint Overlapped) waiting))
        {
            if (IsPendingRequest((OVERLAPPED*)waiting.Overlapped) && waiting.Connector.IsAlive)
            {
                waiting.Connector.TakeRequest(active);
                CompleteRequest((OVERLAPPED*)waiting.Overlapped, ndstatus.ND_SUCCESS);
                return;
            }
        }

        _backlog.Enqueue(active);
    }

    protected override void OnReleased()
    {
        base.OnReleased();
        if (Local is not null)
        {
            Fabric.RemoveListener(Local);
        }

        while (_backlog.TryDequeue(out LoopbackConnector? active))
        {
            if (active.IsAlive)
            {
                active.Refuse();
            }
        }
    }
}
