using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>
/// The double's IND2QueuePair. A Write is checked (connected, flags, inline size, the local range unless inline,
/// the peer's region and its remote-write flag), its bytes are copied into the peer's memory at once, and a result
/// goes to the completion queue unless ND_OP_FLAG_SILENT_SUCCESS was given and it succeeded. Writes outstanding
/// (posted, not retired by a handed-out result) are bounded by the initiator depth, as on a real queue pair.
/// A broken connection fails the next request with the breaking status and flushes the ones after it.
/// </summary>
internal sealed unsafe class LoopbackQueuePair : LoopbackComObject
{
    private const uint KnownWriteFlags = nddef.ND_OP_FLAG_SILENT_SUCCESS | nddef.ND_OP_FLAG_READ_FENCE | nddef.ND_OP_FLAG_INLINE;
    private static readonly Guid[] s_interfaces = [ndspi.IID_IND2QueuePair];
    private readonly Queue<(nint Context, nint Buffer, uint Length)> _receives = new();
    private readonly void* _context;
    private ulong _posted;
    private ulong _retired;
    private int? _nextFailure;
    private (int Status, bool AtPost)? _injected;

    public LoopbackQueuePair(LoopbackAdapter adapter, LoopbackCompletionQueue receiveCq, LoopbackCompletionQueue initiatorCq, void* context, int receiveDepth, int initiatorDepth, int inlineSize)
        : base(adapter.Fabric, LoopbackVtables.QueuePair, "QueuePair")
    {
        Adapter = adapter;
        ReceiveCq = receiveCq;
        InitiatorCq = initiatorCq;
        _context = context;
        ReceiveDepth = receiveDepth;
        InitiatorDepth = initiatorDepth;
        InlineSize = inlineSize;
    }

    public LoopbackAdapter Adapter { get; }

    public LoopbackDevice Device => Adapter.Device;

    public LoopbackCompletionQueue ReceiveCq { get; }

    public LoopbackCompletionQueue InitiatorCq { get; }

    public int ReceiveDepth { get; }

    public int InitiatorDepth { get; }

    public int InlineSize { get; }

    public LoopbackQueuePair? Peer { get; private set; }

    public LoopbackConnector? Connector { get; private set; }

    public bool IsConnected { get; private set; }

    public bool IsBroken { get; private set; }

    public long Writes { get; private set; }

    public long InlineWrites { get; private set; }

    public long SilentWrites { get; private set; }

    /// <summary>The most writes outstanding at once.</summary>
    public long MaxOutstanding { get; private set; }

    protected override ReadOnlySpan<Guid> Interfaces => s_interfaces;

    /// <summary>The next Write fails with <paramref name="status"/>: returned by the post itself, or (the default)
    /// as its result, which breaks the connection.</summary>
    public void FailNextWrite(int status, bool atPost = false)
    {
        using (Fabric.Gate.EnterScope())
        {
            _injected = (status, atPost);
        }
    }

    public int Write(void* context, ND2_SGE* sge, uint count, ulong remoteAddress, uint remoteToken, uint flags)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            if (Device.Removed)
            {
                return ndstatus.ND_DEVICE_REMOVED;
            }

            if ((flags & ~KnownWriteFlags) != 0)
            {
                return ndstatus.ND_INVALID_PARAMETER_6;
            }

            if (!IsConnected && !IsBroken)
            {
                return ndstatus.ND_CONNECTION_INVALID;
            }

            bool inline = (flags & nddef.ND_OP_FLAG_INLINE) != 0;
            if (!inline && count > Device.Info.MaxInitiatorSge)
            {
                return ndstatus.ND_DATA_OVERRUN;
            }

            long length = 0;
            for (uint i = 0; i < count; i++)
            {
                length += sge[i].BufferLength;
            }

            if (inline && length > InlineSize)
            {
                return ndstatus.ND_BUFFER_OVERFLOW;
            }

            if (_posted - _retired >= (ulong)InitiatorDepth)
            {
                return ndstatus.ND_NO_MORE_ENTRIES;
            }

            if (_injected is { AtPost: true } atPost)
            {
                _injected = null;
                return atPost.Status;
            }

            ulong index = ++_posted;
            MaxOutstanding = Math.Max(MaxOutstanding, (long)(_posted - _retired));
            Writes++;
            InlineWrites += inline ? 1 : 0;
            bool silent = (flags & nddef.ND_OP_FLAG_SILENT_SUCCESS) != 0;
            SilentWrites += silent ? 1 : 0;
            int status = Transfer(sge, count, inline, remoteAddress, remoteToken, length);
            // A silent success leaves no result; it is retired with the next result handed out.
            if (status != ndstatus.ND_SUCCESS || !silent)
            {
                InitiatorCq.Add(Result(status, context, ND2_REQUEST_TYPE.Nd2RequestTypeWrite), this, index);
            }

            return ndstatus.ND_SUCCESS;
        }
    }

    public int Send(void* context, ND2_SGE* sge, uint count, uint flags)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            if (Device.Removed)
            {
                return ndstatus.ND_DEVICE_REMOVED;
            }

            if (!IsConnected && !IsBroken)
            {
                return ndstatus.ND_CONNECTION_INVALID;
            }

            ulong index = ++_posted;
            int status = FailureOrSuccess();
            if (Fabric.FailNextSend is int injected)
            {
                Fabric.FailNextSend = null;
                status = injected;
            }

            uint length = 0;
            for (uint i = 0; i < count; i++)
            {
                length += sge[i].BufferLength;
            }

            if (status == ndstatus.ND_SUCCESS)
            {
                status = Peer!.Deliver(sge, count, length);
            }

            if (status != ndstatus.ND_SUCCESS || (flags & nddef.ND_OP_FLAG_SILENT_SUCCESS) == 0)
            {
                InitiatorCq.Add(Result(status, context, ND2_REQUEST_TYPE.Nd2RequestTypeSend), this, index);
            }

            return ndstatus.ND_SUCCESS;
        }
    }

    public int Receive(void* context, ND2_SGE* sge, uint count)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            if (Device.Removed)
            {
                return ndstatus.ND_DEVICE_REMOVED;
            }

            if (_receives.Count >= ReceiveDepth)
            {
                return ndstatus.ND_NO_MORE_ENTRIES;
            }

            _receives.Enqueue(((nint)context, count > 0 ? (nint)sge[0].Buffer : 0, count > 0 ? sge[0].BufferLength : 0));
            return ndstatus.ND_SUCCESS;
        }
    }

    public int Flush()
    {
        using (Fabric.Gate.EnterScope())
        {
            FlushReceives(ndstatus.ND_CANCELED);
            return ndstatus.ND_SUCCESS;
        }
    }

    /// <summary>Under the gate: a result handed out retires its request and every earlier one.</summary>
    public void Retire(ulong postIndex) => _retired = Math.Max(_retired, postIndex);

    /// <summary>Under the gate: joins the queue pairs of a connection.</summary>
    public void Connect(LoopbackQueuePair peer, LoopbackConnector connector)
    {
        Peer = peer;
        Connector = connector;
        IsConnected = true;
    }

    /// <summary>Under the gate: the connection breaks; the next request fails with <paramref name="status"/>, and the
    /// connector's disconnect notification completes with <paramref name="notifyStatus"/> (none when null: the
    /// other side never heard of it).</summary>
    public void Break(int status, int? notifyStatus)
    {
        if (IsConnected)
        {
            IsConnected = false;
            IsBroken = true;
            _nextFailure = status;
            FlushReceives(ndstatus.ND_CANCELED);
        }

        if (notifyStatus is int notify)
        {
            Connector?.OnBroken(notify);
        }
    }

    /// <summary>Under the gate: the connection was closed by a Disconnect; later requests are flushed.</summary>
    public void Close() => Break(ndstatus.ND_CANCELED, notifyStatus: null);

    protected override void OnReleased()
    {
        base.OnReleased();
        if (Connector is { IsAlive: true } connector)
        {
            Fabric.Error($"{Name} was released before {connector.Name}, which connects it");
        }
    }

    private int Deliver(ND2_SGE* sge, uint count, uint length)
    {
        if (!_receives.TryDequeue(out (nint Context, nint Buffer, uint Length) receive))
        {
            return ndstatus.ND_REMOTE_ERROR; // receiver not ready
        }

        if (length > receive.Length)
        {
            ReceiveCq.Add(Result(ndstatus.ND_BUFFER_OVERFLOW, (void*)receive.Context, ND2_REQUEST_TYPE.Nd2RequestTypeReceive), this, 0);
            return ndstatus.ND_REMOTE_ERROR;
        }

        byte* target = (byte*)receive.Buffer;
        for (uint i = 0; i < count; i++)
        {
            Buffer.MemoryCopy(sge[i].Buffer, target, sge[i].BufferLength, sge[i].BufferLength);
            target += sge[i].BufferLength;
        }

        ND2_RESULT result = Result(ndstatus.ND_SUCCESS, (void*)receive.Context, ND2_REQUEST_TYPE.Nd2RequestTypeReceive);
        result.BytesTransferred = length;
        ReceiveCq.Add(result, this, 0);
        return ndstatus.ND_SUCCESS;
    }

    private int Transfer(ND2_SGE* sge, uint count, bool inline, ulong remoteAddress, uint remoteToken, long length)
    {
        int status = FailureOrSuccess();
        if (status != ndstatus.ND_SUCCESS)
        {
            return status;
        }

        if (_injected is { AtPost: false } injected)
        {
            _injected = null;
            Fabric.Log($"{Name}: injected Write result {injected.Status:X8}");
            BreakBoth(injected.Status);
            return injected.Status;
        }

        for (uint i = 0; i < count && !inline; i++)
        {
            LoopbackMemoryRegion? local = Fabric.LocalRegion(Device, sge[i].MemoryRegionToken);
            if (local is null || !local.Contains((nint)sge[i].Buffer, sge[i].BufferLength))
            {
                Fabric.Log($"{Name}: Write from memory outside its region (token 0x{sge[i].MemoryRegionToken:X})");
                BreakBoth(ndstatus.ND_ACCESS_VIOLATION);
                return ndstatus.ND_ACCESS_VIOLATION;
            }
        }

        LoopbackMemoryRegion? target = Fabric.RegionByRemoteToken(remoteToken);
        if (target is null || target.Device != Peer!.Device || !target.AllowsRemoteWrite || !target.Contains((nint)remoteAddress, length))
        {
            Fabric.Log($"{Name}: Write to 0x{remoteAddress:X} (+{length}) with token 0x{remoteToken:X} is not allowed by the peer");
            BreakBoth(ndstatus.ND_REMOTE_ERROR);
            return ndstatus.ND_REMOTE_ERROR;
        }

        byte* destination = (byte*)remoteAddress;
        for (uint i = 0; i < count; i++)
        {
            Buffer.MemoryCopy(sge[i].Buffer, destination, sge[i].BufferLength, sge[i].BufferLength);
            destination += sge[i].BufferLength;
        }

        return ndstatus.ND_SUCCESS;
    }

    /// <summary>The breaking status for the first request after a break, ND_CANCELED (flushed) after that.</summary>
    private int FailureOrSuccess()
    {
        if (!IsBroken)
        {
            return ndstatus.ND_SUCCESS;
        }

        int status = _nextFailure ?? ndstatus.ND_CANCELED;
        _nextFailure = null;
        return status;
    }

    /// <summary>An error result ends the connection on both sides (the peer's next request fails too).</summary>
    private void BreakBoth(int status)
    {
        LoopbackQueuePair? peer = Peer;
        Break(ndstatus.ND_CANCELED, ndstatus.ND_SUCCESS);
        _nextFailure = null;
        peer?.Break(status == ndstatus.ND_REMOTE_ERROR ? ndstatus.ND_REMOTE_ERROR : ndstatus.ND_IO_TIMEOUT, ndstatus.ND_SUCCESS);
    }

    private void FlushReceives(int status)
    {
        while (_receives.TryDequeue(out (nint Context, nint Buffer, uint Length) receive))
        {
            ReceiveCq.Add(Result(status, (void*)receive.Context, ND2_REQUEST_TYPE.Nd2RequestTypeReceive), this, 0);
        }
    }

    private ND2_RESULT Result(int status, void* context, ND2_REQUEST_TYPE type) => new()
    {
        Status = status,
        QueuePairContext = _context,
        RequestContext = context,
        RequestType = type,
    };
}
