using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RdmaStack.Interop;
using RdmaStack.Providers.Verbs;
using RdmaStack.Transport.Handshake;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>
/// The verbs provider's data path: an RC queue pair and its completion queue; each <see cref="PostWrite"/> is
/// one RDMA WRITE from the registered source into the peer's region (inline when it fits).
/// </summary>
/// <remarks>
/// <para>Created in INIT (so that its queue pair number and PSN can be offered to the peer), then
/// <see cref="Connect"/> moves it through RTR to RTS on the peer's queue pair and GID.</para>
/// <para>Error completions and failed posts mark the channel failed: <see cref="PollCompletions"/> returns -1
/// and <see cref="PostWrite"/> <see cref="WriteStatus.LinkFailed"/>, never an exception; <see cref="Failure"/>
/// names the work-completion status.</para>
/// <para>Hot path: the queue pair and completion queue pointers and the provider's post_send/poll_cq function
/// pointers are taken once; no allocation, lock or SafeHandle access per write.</para>
/// </remarks>
internal sealed unsafe class VerbsChannel : IRemoteWriteChannel
{
    private const int PollBatch = 16;

    private readonly string _name;
    private readonly VerbsDeviceContext _device;
    private readonly CompletionQueueHandle _cqHandle;
    private readonly QueuePairHandle _qpHandle;
    private readonly ibv_qp* _qp;
    private readonly ibv_cq* _cq;
    private readonly delegate* unmanaged[Cdecl]<ibv_qp*, ibv_send_wr*, ibv_send_wr**, int> _postSend;
    private readonly delegate* unmanaged[Cdecl]<ibv_cq*, int, ibv_wc*, int> _pollCq;
    private readonly byte* _source;
    private readonly long _sourceLength;
    private readonly uint _localKey;
    private readonly int _maxInline;
    private ulong _remoteAddress;
    private uint _remoteKey;
    private long _remoteLength;
    private ulong _posted;
    private bool _connected;
    private bool _failed;
    private bool _disposed;

    public VerbsChannel(VerbsDeviceContext device, RegisteredMemory source, VerbsOptions options, string name)
    {
        _device = device;
        _name = name;
        Source = source.Region;
        _source = source.Region.Pointer;
        _sourceLength = source.Region.Length;
        _localKey = source.LocalKey;
        int depth = Math.Clamp(options.SendQueueDepth, 1, Math.Max(1, device.MaxQueuePairWorkRequests));
        ibv_context* context = device.ContextHandle.Pointer;

        // The CQ holds a completion for every outstanding write, signaled or not, so even a flush after an
        // error (which completes every outstanding request) cannot overflow it.
        ibv_cq* cq = ibverbs.ibv_create_cq(context, depth + 1, null, null, 0);
        if (cq == null)
        {
            throw VerbsDeviceContext.Failed(device.DeviceName, "ibv_create_cq", Marshal.GetLastPInvokeError());
        }

        _cqHandle = new CompletionQueueHandle(cq, device.ContextHandle);
        try
        {
            ibv_qp_init_attr init = default;
            init.send_cq = cq;
            init.recv_cq = cq;
            init.qp_type = ibv_qp_type.IBV_QPT_RC;
            init.sq_sig_all = 0;
            init.cap.max_send_wr = (uint)depth;
            init.cap.max_recv_wr = 1;
            init.cap.max_send_sge = 1;
            init.cap.max_recv_sge = 1;
            init.cap.max_inline_data = (uint)Math.Max(sizeof(long), options.MaxInlineData);
            ibv_qp* qp = ibverbs.ibv_create_qp(device.ProtectionDomain.Pointer, &init);
            if (qp == null)
            {
                throw VerbsDeviceContext.Failed(device.DeviceName, "ibv_create_qp", Marshal.GetLastPInvokeError());
            }

            _qpHandle = new QueuePairHandle(qp, device.ProtectionDomain, _cqHandle);
            _qp = qp;
            _cq = cq;
            _postSend = context->ops.post_send;
            _pollCq = context->ops.poll_cq;

            // ibv_create_qp writes back what the queue pair really has.
            SendQueueDepth = (int)Math.Min(init.cap.max_send_wr, (uint)depth);
            _maxInline = (int)Math.Min(init.cap.max_inline_data, int.MaxValue);
            if (_maxInline < sizeof(long))
            {
                throw new VerbsException(
                    string.Create(CultureInfo.InvariantCulture, $"{device.DeviceName}: the queue pair allows {_maxInline} B of inline data; the head write needs 8"), "ibv_create_qp", 0);
            }

            QueuePairNumber = qp->qp_num;
            PacketSequenceNumber = (uint)RandomNumberGenerator.GetInt32(1 << 24);
            ToInit();
        }
        catch
        {
            _qpHandle?.Dispose();
            _cqHandle.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public MemoryRegion Source { get; }

    /// <inheritdoc/>
    public long RemoteLength => _remoteLength;

    /// <inheritdoc/>
    public int SendQueueDepth { get; }

    /// <inheritdoc/>
    public bool IsConnected => _connected && !_failed && !_disposed;

    public uint QueuePairNumber { get; }

    public uint PacketSequenceNumber { get; }

    /// <summary>The largest write sent inline.</summary>
    public int MaxInlineData => _maxInline;

    /// <summary>Why the channel failed (the work-completion status or the post error), or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Moves the queue pair to RTR and RTS towards <paramref name="peer"/> and learns its region. On RoCE the
    /// peer is addressed by its GID (a global route), on a native InfiniBand port by its LID.</summary>
    public void Connect(QueueEndpoint peer, ReadOnlySpan<byte> peerGid, ushort peerLid, VerbsOptions options)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ibv_qp_attr rtr = default;
        rtr.qp_state = ibv_qp_state.IBV_QPS_RTR;
        rtr.path_mtu = _device.ActiveMtu;
        rtr.dest_qp_num = peer.QueuePairNumber;
        rtr.rq_psn = peer.PacketSequenceNumber;
        rtr.max_dest_rd_atomic = 1;
        rtr.min_rnr_timer = 12;
        rtr.ah_attr.port_num = (byte)_device.Port;
        if (_device.IsInfiniBand)
        {
            rtr.ah_attr.is_global = 0;
            rtr.ah_attr.dlid = peerLid;
        }
        else
        {
            rtr.ah_attr.is_global = 1;
            rtr.ah_attr.grh.sgid_index = (byte)_device.GidIndex;
            rtr.ah_attr.grh.hop_limit = 64;
            peerGid.CopyTo(new Span<byte>(&rtr.ah_attr.grh.dgid, 16));
        }
        Modify(&rtr, ibv_qp_attr_mask.IBV_QP_STATE | ibv_qp_attr_mask.IBV_QP_AV | ibv_qp_attr_mask.IBV_QP_PATH_MTU
            | ibv_qp_attr_mask.IBV_QP_DEST_QPN | ibv_qp_attr_mask.IBV_QP_RQ_PSN | ibv_qp_attr_mask.IBV_QP_MAX_DEST_RD_ATOMIC
            | ibv_qp_attr_mask.IBV_QP_MIN_RNR_TIMER, "RTR");

        ibv_qp_attr rts = default;
        rts.qp_state = ibv_qp_state.IBV_QPS_RTS;
        rts.sq_psn = PacketSequenceNumber;
        rts.timeout = (byte)Math.Clamp(options.AckTimeoutExponent, 1, 31);
        rts.retry_cnt = (byte)Math.Clamp(options.RetryCount, 0, 7);
        rts.rnr_retry = 7;
        rts.max_rd_atomic = 1;
        Modify(&rts, ibv_qp_attr_mask.IBV_QP_STATE | ibv_qp_attr_mask.IBV_QP_SQ_PSN | ibv_qp_attr_mask.IBV_QP_TIMEOUT
            | ibv_qp_attr_mask.IBV_QP_RETRY_CNT | ibv_qp_attr_mask.IBV_QP_RNR_RETRY | ibv_qp_attr_mask.IBV_QP_MAX_QP_RD_ATOMIC, "RTS");

        _remoteAddress = peer.RegionAddress;
        _remoteKey = peer.RegionKey;
        _remoteLength = peer.RegionLength;
        _connected = true;
    }

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

        ibv_sge sge;
        sge.addr = (ulong)(_source + sourceOffset);
        sge.length = (uint)length;
        sge.lkey = _localKey;
        ibv_send_wr wr = default;
        wr.wr_id = ++_posted;
        wr.sg_list = &sge;
        wr.num_sge = 1;
        wr.opcode = ibv_wr_opcode.IBV_WR_RDMA_WRITE;
        wr.send_flags = (signaled ? (uint)ibv_send_flags.IBV_SEND_SIGNALED : 0u)
            | (length <= _maxInline ? (uint)ibv_send_flags.IBV_SEND_INLINE : 0u);
        wr.wr.rdma.remote_addr = _remoteAddress + (ulong)remoteOffset;
        wr.wr.rdma.rkey = _remoteKey;
        ibv_send_wr* bad;
        int rc = _postSend(_qp, &wr, &bad);
        return rc == 0 ? WriteStatus.Posted : OnPostFailed(rc);
    }

    /// <inheritdoc/>
    public int PollCompletions()
    {
        if (_failed || _disposed)
        {
            return -1;
        }

        ibv_wc* wc = stackalloc ibv_wc[PollBatch];
        int total = 0;
        while (true)
        {
            int n = _pollCq(_cq, PollBatch, wc);
            if (n < 0)
            {
                Fail(string.Create(CultureInfo.InvariantCulture, $"ibv_poll_cq returned {n}"));
                return -1;
            }

            for (int i = 0; i < n; i++)
            {
                if (wc[i].status != ibv_wc_status.IBV_WC_SUCCESS)
                {
                    OnErrorCompletion(wc[i].status, wc[i].vendor_err);
                    return -1;
                }
            }

            total += n;
            if (n < PollBatch)
            {
                return total;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _qpHandle.Dispose();
        _cqHandle.Dispose();
        Source.Dispose();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WriteStatus OnPostFailed(int rc)
    {
        // ENOMEM: the send queue is full. The queue layer's budget keeps it from happening.
        if (rc == 12)
        {
            return WriteStatus.SendQueueFull;
        }

        Fail($"ibv_post_send failed ({Errno.Describe(rc)})");
        return WriteStatus.LinkFailed;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnErrorCompletion(ibv_wc_status status, uint vendorError)
    {
        string text = Marshal.PtrToStringUTF8((nint)ibverbs.ibv_wc_status_str(status)) ?? "?";
        Fail(string.Create(CultureInfo.InvariantCulture, $"work completion {(int)status} ({text}), vendor error 0x{vendorError:x}"));
    }

    private void Fail(string reason)
    {
        if (!_failed)
        {
            _failed = true;
            Failure = $"{_name} on {_device.DeviceName}: {reason}";
        }
    }

    private void ToInit()
    {
        ibv_qp_attr init = default;
        init.qp_state = ibv_qp_state.IBV_QPS_INIT;
        init.pkey_index = 0;
        init.port_num = (byte)_device.Port;
        init.qp_access_flags = (uint)ibv_access_flags.IBV_ACCESS_REMOTE_WRITE;
        Modify(&init, ibv_qp_attr_mask.IBV_QP_STATE | ibv_qp_attr_mask.IBV_QP_PKEY_INDEX | ibv_qp_attr_mask.IBV_QP_PORT | ibv_qp_attr_mask.IBV_QP_ACCESS_FLAGS, "INIT");
    }

    private void Modify(ibv_qp_attr* attributes, ibv_qp_attr_mask mask, string state)
    {
        int rc = ibverbs.ibv_modify_qp(_qp, attributes, (int)mask);
        if (rc != 0)
        {
            throw new VerbsException(
                string.Create(CultureInfo.InvariantCulture, $"{_device.DeviceName}: ibv_modify_qp to {state} failed for QP 0x{QueuePairNumber:x} ({Errno.Describe(rc)})"), "ibv_modify_qp", rc);
        }
    }
}
