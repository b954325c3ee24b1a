using System.Globalization;
using System.Runtime.CompilerServices;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Transport;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// The NetworkDirect provider's data path: a queue pair and its completion queue; each <see cref="PostWrite"/> is
/// one IND2QueuePair::Write from the registered source into the peer's region, with ND_OP_FLAG_INLINE when it fits
/// the inline threshold and ND_OP_FLAG_SILENT_SUCCESS when it is unsignaled; <see cref="PollCompletions"/> drains
/// IND2CompletionQueue::GetResults. The verbs provider's <c>VerbsChannel</c> is its twin.
/// </summary>
/// <remarks>
/// <para>Created unconnected; the queue end connects its queue pair (IND2Connector) and then
/// <see cref="Attach"/>es the peer's region and the connection's disconnect notification.</para>
/// <para>Failures are a failed link, never an exception: an error result (ND_IO_TIMEOUT, ND_CONNECTION_ABORTED,
/// ND_REMOTE_ERROR, ND_DEVICE_REMOVED, ND_CANCELED, ...), a Write that returns a failure, or the connection's
/// NotifyDisconnect completing make <see cref="PollCompletions"/> return -1 and <see cref="PostWrite"/>
/// <see cref="WriteStatus.LinkFailed"/> from then on; <see cref="Failure"/> names the status.</para>
/// <para>Hot path: the queue pair, the completion queue and their Write and GetResults slots are read once;
/// no allocation, lock or SafeHandle access per write. The disconnect notification is checked with one read of
/// its OVERLAPPED per poll (a call into the provider only once it has completed).</para>
/// <para>Off the data path, <see cref="DisconnectNotification"/> lets another thread watch the same notification
/// (the connection reports it as an asynchronous event); it and the release of the notification in
/// <see cref="Disconnect"/> take one lock, which the data path never does.</para>
/// </remarks>
internal sealed unsafe class NetworkDirectChannel : IRemoteWriteChannel
{
    private const int PollBatch = 16;

    private readonly string _name;
    private readonly NetworkDirectAdapter _adapter;
    private readonly NetworkDirectObjectHandle _cqHandle;
    private readonly NetworkDirectObjectHandle _qpHandle;
    private readonly IND2QueuePair* _qp;
    private readonly IND2CompletionQueue* _cq;
    private readonly delegate* unmanaged[Stdcall]<IND2QueuePair*, void*, ND2_SGE*, uint, ulong, uint, uint, int> _write;
    private readonly delegate* unmanaged[Stdcall]<IND2CompletionQueue*, ND2_RESULT*, uint, uint> _getResults;
    private readonly byte* _source;
    private readonly long _sourceLength;
    private readonly uint _localToken;
    private readonly int _inlineThreshold;
    private readonly Lock _notificationGate = new();
    private NetworkDirectObjectHandle? _connector;
    private NetworkDirectOverlapped? _disconnect;
    private ulong _remoteAddress;
    private uint _remoteToken;
    private long _remoteLength;
    private ulong _posted;
    private bool _connected;
    private bool _failed;
    private bool _disposed;

    /// <summary>Creates the completion queue and the queue pair (not yet connected).</summary>
    /// <exception cref="TransportException">A call failed, or the adapter's inline size is below 8 bytes.</exception>
    public NetworkDirectChannel(NetworkDirectAdapter adapter, NetworkDirectRegisteredMemory source, NetworkDirectConnectionOptions options, string name)
    {
        _adapter = adapter;
        _name = name;
        Source = source.Region;
        _source = source.Region.Pointer;
        _sourceLength = source.Region.Length;
        _localToken = source.LocalToken;
        NetworkDirectAdapterInfo info = adapter.Info;
        uint depth = (uint)Math.Clamp(options.SendQueueDepth, 1, Math.Max(1, (int)Math.Min(info.MaxInitiatorQueueDepth, int.MaxValue)));
        uint inlineSize = (uint)Math.Clamp(options.MaxInlineData, 0, (int)Math.Min(info.MaxInlineDataSize, int.MaxValue));
        if (inlineSize < sizeof(long))
        {
            throw new TransportException(string.Create(CultureInfo.InvariantCulture, $"{adapter.Name}: the adapter carries {info.MaxInlineDataSize} B inline (asked for {options.MaxInlineData}); the head write needs 8."));
        }

        // The adapter's InlineRequestThreshold says below which size an inline Write beats DMA from registered
        // memory; the 8-byte head write goes inline whatever it says, and nothing larger than the queue pair holds.
        _inlineThreshold = (int)Math.Clamp(info.InlineRequestThreshold, sizeof(long), inlineSize);

        // The completion queue takes a result for every outstanding write, signaled or not (a flush after an error
        // completes them all), plus the set-up's one Send or Receive.
        _cqHandle = adapter.CreateCompletionQueue(Math.Min(depth + 2, Math.Max(info.MaxCompletionQueueDepth, 2)));
        try
        {
            // One receive: the accepting side's receive of the dialler's first message (see NetworkDirectQueueEnd).
            _qpHandle = adapter.CreateQueuePair(_cqHandle, depth, 1, inlineSize);
        }
        catch
        {
            _cqHandle.Dispose();
            throw;
        }

        _qp = _qpHandle.As<IND2QueuePair>();
        _cq = _cqHandle.As<IND2CompletionQueue>();
        _write = _qp->lpVtbl->Write;
        _getResults = _cq->lpVtbl->GetResults;
        SendQueueDepth = (int)depth;
        InlineDataSize = (int)inlineSize;
    }

    /// <inheritdoc/>
    public MemoryRegion Source { get; }

    /// <inheritdoc/>
    public long RemoteLength => _remoteLength;

    /// <inheritdoc/>
    public int SendQueueDepth { get; }

    /// <inheritdoc/>
    public bool IsConnected => _connected && !_failed && !_disposed;

    /// <summary>The inline bytes the queue pair was created with.</summary>
    public int InlineDataSize { get; }

    /// <summary>Writes of at most this many bytes go with ND_OP_FLAG_INLINE.</summary>
    public int InlineThreshold => _inlineThreshold;

    /// <summary>Why the channel failed (the ND status of the result, of the post, or the disconnect), or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>The queue pair, for the connector.</summary>
    internal NetworkDirectObjectHandle QueuePair => _qpHandle;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public WriteStatus PostWrite(long sourceOffset, long remoteOffset, int length, bool signaled)
    {
        if (!_connected || _failed || _disposed)
        {
            return _disposed ? WriteStatus.Closed : _failed ? WriteStatus.LinkFailed : WriteStatus.NotConnected;
        }

        if ((ulong)sourceOffset + (uint)length > (ulong)_sourceLength || (ulong)remoteOffset + (uint)length > (ulong)_remoteLength)
        {
            return WriteStatus.AccessError;
        }

        ND2_SGE sge;
        sge.Buffer = _source + sourceOffset;
        sge.BufferLength = (uint)length;
        sge.MemoryRegionToken = _localToken;
        uint flags = (signaled ? 0u : nddef.ND_OP_FLAG_SILENT_SUCCESS) | (length <= _inlineThreshold ? nddef.ND_OP_FLAG_INLINE : 0u);
        int status = _write(_qp, (void*)(nuint)(++_posted), &sge, 1, _remoteAddress + (ulong)remoteOffset, _remoteToken, flags);
        return status == ndstatus.ND_SUCCESS ? WriteStatus.Posted : OnPostFailed(status);
    }

    /// <inheritdoc/>
    public int PollCompletions()
    {
        if (_failed || _disposed)
        {
            return -1;
        }

        ND2_RESULT* results = stackalloc ND2_RESULT[PollBatch];
        int total = 0;
        uint n;
        do
        {
            n = _getResults(_cq, results, PollBatch);
            for (uint i = 0; i < n; i++)
            {
                if (results[i].Status != ndstatus.ND_SUCCESS)
                {
                    OnErrorResult(results[i].Status, results[i].RequestType);
                    return -1;
                }

                if (results[i].RequestType == ND2_REQUEST_TYPE.Nd2RequestTypeWrite)
                {
                    total++;
                }
            }
        }
        while (n == PollBatch);

        if (_disconnect is not null && !_disconnect.IsPending && OnDisconnected())
        {
            return -1;
        }

        return total;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Disconnect();
        _disposed = true;
        _connector?.Dispose();
        _qpHandle.Dispose();
        _cqHandle.Dispose();
        Source.Dispose();
    }

    /// <summary>Closes the connection (IND2Connector::Disconnect, which flushes both sides' outstanding requests) and
    /// fails the channel, but keeps its memory: the writer or reader above may still store into its source until it
    /// is disposed. The peer sees its disconnect notification complete. Idempotent; the channel's thread only.</summary>
    internal void Disconnect()
    {
        if (_connector is null || _disconnect is null)
        {
            return;
        }

        // The disconnect notification is canceled (if it is still pending) before its OVERLAPPED is freed.
        var connector = _connector.As<IND2Connector>();
        using (var overlapped = new NetworkDirectOverlapped())
        {
            overlapped.Complete((IND2Overlapped*)connector, connector->Disconnect(overlapped.Reset()), NetworkDirectOverlapped.TeardownTimeout);
        }

        using (_notificationGate.EnterScope())
        {
            _disconnect.Cancel((IND2Overlapped*)connector);
            _disconnect.Dispose();
            _disconnect = null;
        }

        Fail("the connection was closed by this side (IND2Connector::Disconnect)");
    }

    /// <summary>Any thread, off the data path: the status the connection's disconnect notification
    /// (IND2Connector::NotifyDisconnect) completed with, or null while it is pending, before the channel is connected,
    /// and once this side has closed the connection (<see cref="Disconnect"/>).</summary>
    internal int? DisconnectNotification()
    {
        using (_notificationGate.EnterScope())
        {
            NetworkDirectOverlapped? notification = _disconnect;
            return notification is null || notification.IsPending
                ? null
                : notification.Result((IND2Overlapped*)_connector!.As<IND2Connector>());
        }
    }

    /// <summary>Learns the peer's region and takes over the connected connector and its pending disconnect
    /// notification: from now on writes are posted.</summary>
    internal void Attach(NetworkDirectQueueOffer peer, NetworkDirectObjectHandle connector, NetworkDirectOverlapped disconnect)
    {
        _connector = connector;
        _disconnect = disconnect;
        _remoteAddress = peer.RegionAddress;
        _remoteToken = peer.RegionToken;
        _remoteLength = peer.RegionLength;
        _connected = true;
    }

    /// <summary>Posts the set-up's zero-byte Send (dialling side) or Receive (accepting side).</summary>
    internal int PostSetupMessage(NetworkDirectConnectionSide side) =>
        side == NetworkDirectConnectionSide.Dial ? _qp->Send(null, null, 0, 0) : _qp->Receive(null, null, 0);

    /// <summary>Waits for the result of the set-up's Send or Receive.</summary>
    /// <returns>Its status, ND_TIMEOUT if none came by <paramref name="deadline"/> (Environment.TickCount64), or
    /// ND_CANCELED once <paramref name="cancellation"/> is signalled.</returns>
    internal int WaitForSetupResult(long deadline, CancellationToken cancellation)
    {
        ND2_RESULT result;
        var spin = default(SpinWait);
        while (_getResults(_cq, &result, 1) == 0)
        {
            if (Environment.TickCount64 >= deadline)
            {
                return ndstatus.ND_TIMEOUT;
            }

            if (cancellation.IsCancellationRequested)
            {
                return ndstatus.ND_CANCELED;
            }

            if (spin.NextSpinWillYield)
            {
                Thread.Sleep(1);
            }
            else
            {
                spin.SpinOnce();
            }
        }

        return result.Status;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WriteStatus OnPostFailed(int status)
    {
        // The queue layer's budget keeps the send queue from filling; a full queue is not a broken link.
        if (status == ndstatus.ND_NO_MORE_ENTRIES)
        {
            return WriteStatus.SendQueueFull;
        }

        Fail($"IND2QueuePair::Write returned {NetworkDirectStatus.Describe(status)}");
        return WriteStatus.LinkFailed;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnErrorResult(int status, ND2_REQUEST_TYPE type) =>
        Fail($"{TypeName(type)} result {NetworkDirectStatus.Describe(status)}");

    /// <summary>The disconnect notification's OVERLAPPED no longer says pending: fails the link, unless the
    /// provider's own answer is that it still is.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool OnDisconnected()
    {
        int status = _disconnect!.Result((IND2Overlapped*)_connector!.As<IND2Connector>());
        if (status == ndstatus.ND_PENDING)
        {
            return false;
        }

        Fail($"the connection went down (IND2Connector::NotifyDisconnect completed with {NetworkDirectStatus.Describe(status)})");
        return true;
    }

    private static string TypeName(ND2_REQUEST_TYPE type) => type switch
    {
        ND2_REQUEST_TYPE.Nd2RequestTypeWrite => "Write",
        ND2_REQUEST_TYPE.Nd2RequestTypeSend => "Send",
        ND2_REQUEST_TYPE.Nd2RequestTypeReceive => "Receive",
        ND2_REQUEST_TYPE.Nd2RequestTypeRead => "Read",
        _ => "request",
    };

    private void Fail(string reason)
    {
        if (!_failed)
        {
            _failed = true;
            Failure = $"{_name} on {_adapter.Name}: {reason}";
        }
    }
}
