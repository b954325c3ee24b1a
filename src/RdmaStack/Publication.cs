using System.Diagnostics;
using System.Runtime.CompilerServices;
using RdmaStack.Diagnostics;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Supervision;
using RdmaStack.Threading;
using RdmaStack.Transport;

namespace RdmaStack;

/// <summary>
/// A stream this process writes: a failover group over every link of its <see cref="Fabric"/> (one link is a group of
/// one). Messages carry the stream's sequence numbers; the subscription delivers each once, in order, whichever links
/// carry it.
/// </summary>
/// <remarks>
/// <para>The data path never blocks and never throws for a transport condition: <see cref="Offer"/> returns the
/// message's sequence number (&gt; 0) or a negative <see cref="QueueStatus"/> code: <see cref="QueueStatus.BackPressured"/>
/// (the reader is a segment behind: retry), <see cref="QueueStatus.FailingOver"/> (unacknowledged messages are being
/// sent again on a new link: retry), <see cref="QueueStatus.NotConnected"/> (no link is up; nothing was accepted),
/// <see cref="QueueStatus.Closed"/>.</para>
/// <para>Housekeeping (completions, heartbeats, the peer's heartbeat and fault reports, a resend in progress, putting a
/// newly (re-)established link in place) runs in <see cref="DoWork"/>, which Offer also calls every 64 messages (a
/// batch counts as its messages) and whenever it cannot offer. A thread that stops offering must keep calling DoWork
/// (an idle loop), or the reader declares the link dead when the heartbeats stop.</para>
/// <para>Thread-safety: one thread (the hot thread) calls Offer, TryClaim, Commit, DoWork, WaitForConnection and Close;
/// the events are raised on it. Positions and counters may be read from any thread (approximate there).</para>
/// <para>Hot path: no allocation, lock or system call.</para>
/// </remarks>
public sealed class Publication : IDisposable, IMeteredStream
{
    private readonly StreamCore _core;
    private readonly FailoverWriter _writer;
    private readonly long[] _failuresByCause = new long[Enum.GetValues<LinkFailureCause>().Length];
    private long _backPressured;
    private long _failovers;
    private long _switchStartedAt;
    private int _sinceWork;
    private bool _everActive;
    private CloseResult? _closed;

    internal Publication(StreamCore core)
    {
        _core = core;
        FabricOptions options = core.Fabric.Options;
        var placeholders = new SegmentedQueueWriter[core.Links.Length];
        for (int i = 0; i < placeholders.Length; i++)
        {
            MemoryRegion mirror = MemoryRegion.AllocatePrivate(options.Geometry.RingRegionLength, "placeholder mirror");
            MemoryRegion control = MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "placeholder control block");
            placeholders[i] = new SegmentedQueueWriter(options.Geometry, new DisconnectedChannel(mirror), control, signalInterval: 1);
        }

        _writer = new FailoverWriter(placeholders, options.Failover, options.TimeProvider, startDisconnected: true);
        _writer.LinkFailed += OnLinkFailed;
        _writer.FailedOver += OnFailedOver;
        StackMetrics.Register(this);
    }

    /// <summary>Raised on the hot thread when a link is found broken (an error completion, a failed write, the
    /// reader's heartbeat stopped, the reader reported a corrupt slot or a lost write, the device reported an error).</summary>
    public event EventHandler<LinkFailure>? LinkFailed;

    /// <summary>Raised on the hot thread when the stream moved to another link.</summary>
    public event EventHandler<FailoverEvent>? FailedOver;

    /// <summary>Raised on the hot thread when a link's new connection is put in place (its first, or a re-established one).</summary>
    public event EventHandler<LinkConnected>? LinkConnected;

    /// <summary>The stream's name.</summary>
    public string Stream => _core.Stream;

    /// <summary>The largest message, in bytes (the slot payload of the fabric's geometry).</summary>
    public int MaxMessageLength => _core.Fabric.Options.Geometry.SlotPayloadCapacity;

    /// <summary>True while a link carries the stream.</summary>
    public bool IsConnected => _writer.ActiveLink >= 0;

    /// <summary>Where the stream stands.</summary>
    public FailoverStatus Status => _writer.Status;

    /// <summary>The sequence number of the last message accepted (0 before the first).</summary>
    public long Position => _writer.Position;

    /// <summary>The highest sequence the reader has acknowledged: everything up to it was delivered. The reader
    /// acknowledges once per segment it finishes, and whatever it has when it goes idle.</summary>
    public long AcknowledgedPosition => _writer.AcknowledgedPosition;

    /// <summary>The link carrying the stream, or -1.</summary>
    public int ActiveLink => _writer.ActiveLink;

    /// <summary>Number of links.</summary>
    public int LinkCount => _writer.LinkCount;

    /// <summary>Failovers: the stream moved to another link (the first link to connect is not counted).</summary>
    public long Failovers => Volatile.Read(ref _failovers);

    /// <summary>Messages sent again by failovers.</summary>
    public long MessagesResent => _writer.MessagesResent;

    /// <summary>Offers that returned <see cref="QueueStatus.BackPressured"/>.</summary>
    public long BackPressured => Volatile.Read(ref _backPressured);

    string IMeteredStream.Side => "publication";

    long IMeteredStream.Messages => Position;

    long IMeteredStream.BackPressure => BackPressured;

    long IMeteredStream.Resends => MessagesResent;

    ReadOnlySpan<long> IMeteredStream.FailuresByCause => _failuresByCause;

    /// <summary>The state of link <paramref name="link"/>.</summary>
    /// <param name="link">The link's index.</param>
    /// <returns>Active, standby, or failed (also before its first connection).</returns>
    public LinkState GetLinkState(int link) => _writer.GetLinkState(link);

    /// <summary>Copies <paramref name="message"/> into the next slot and writes it to the reader.</summary>
    /// <param name="message">At most <see cref="MaxMessageLength"/> bytes.</param>
    /// <returns>The message's sequence number (&gt; 0), or a negative <see cref="QueueStatus"/> code (nothing was sent).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The message is longer than <see cref="MaxMessageLength"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Offer(ReadOnlySpan<byte> message)
    {
        long status = _writer.Offer(message);
        return status > 0 && !Housekeeping.Due(ref _sinceWork, 1) ? status : AfterOffer(status);
    }

    /// <summary>Claims the next slot for a message of <paramref name="length"/> bytes, to be written in place
    /// (<see cref="SlotClaim.Payload"/>) and sent with <see cref="Commit"/>: zero copy.</summary>
    /// <param name="length">The message's length, at most <see cref="MaxMessageLength"/>.</param>
    /// <param name="claim">On success, the slot's payload and sequence.</param>
    /// <returns>The sequence the message will carry (&gt; 0), or a negative <see cref="QueueStatus"/> code.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The length is over <see cref="MaxMessageLength"/>.</exception>
    /// <exception cref="InvalidOperationException">A claim is outstanding.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long TryClaim(int length, out SlotClaim claim)
    {
        long status = _writer.TryClaim(length, out claim);
        return status > 0 ? status : AfterOffer(status);
    }

    /// <summary>Sends the slot claimed with <see cref="TryClaim"/>. Call it right after filling the payload, on the same
    /// thread, with no other call in between.</summary>
    /// <param name="claim">The claim.</param>
    /// <returns>The sequence, or a negative <see cref="QueueStatus"/> code (the link failed: claim and write the
    /// message again).</returns>
    /// <exception cref="InvalidOperationException">No claim is outstanding.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Commit(in SlotClaim claim)
    {
        long status = _writer.Commit(claim);
        return status > 0 && !Housekeeping.Due(ref _sinceWork, 1) ? status : AfterOffer(status);
    }

    /// <summary>Claims up to <paramref name="count"/> consecutive slots for messages of up to <paramref name="length"/>
    /// bytes each, to be written in place (<see cref="SlotBatch.Payload"/>) and sent together with
    /// <see cref="CommitBatch"/>: one tail update and as few writes as the ring allows. As many slots as the reader's
    /// head and the send queue allow now are granted, at least one.</summary>
    /// <remarks>For a stream over shared memory, claim large batches (a segment or two) in a ring that holds several:
    /// the reader polls the lines the writer fills, and a line it reads before the writer is done with it costs the
    /// writer another transfer between the cores. With whole 64 B messages, batches of 1,024 in a 4 x 512 ring moved
    /// twice the messages a second that batches of 32 in a 4 x 256 ring did (bench/results/README.md, issue 14,
    /// seventh round). Over RDMA the send queue's depth bounds the batch.</remarks>
    /// <param name="count">The most messages wanted, 1 or more.</param>
    /// <param name="length">Bytes claimed per message, at most <see cref="MaxMessageLength"/>;
    /// <see cref="SlotBatch.SetLength"/> shortens one.</param>
    /// <param name="batch">On success, the claimed slots.</param>
    /// <returns>The first sequence of the batch (&gt; 0), or a negative <see cref="QueueStatus"/> code (nothing
    /// claimed).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The count is below 1, or the length over <see cref="MaxMessageLength"/>.</exception>
    /// <exception cref="InvalidOperationException">A claim or a batch is outstanding.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long TryClaimBatch(int count, int length, out SlotBatch batch)
    {
        long status = _writer.TryClaimBatch(count, length, out batch);
        return status > 0 ? status : AfterOffer(status);
    }

    /// <summary>Sends every slot of the batch claimed with <see cref="TryClaimBatch"/>, in order. Call it right after
    /// filling the payloads, on the same thread, with no other call in between.</summary>
    /// <param name="batch">The batch.</param>
    /// <returns>The last sequence sent (&gt; 0), or a negative <see cref="QueueStatus"/> code (the link failed: nothing
    /// was sent). If the link fails part-way (only where the batch wraps the ring's end) the result is below
    /// <c>batch.FirstSequence + batch.Count - 1</c>: the messages after it were not sent, send them again.</returns>
    /// <exception cref="InvalidOperationException">No batch is outstanding, or this is not it.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long CommitBatch(in SlotBatch batch)
    {
        int count = batch.Count;
        long status = _writer.CommitBatch(batch);
        return status > 0 && !Housekeeping.Due(ref _sinceWork, count) ? status : AfterOffer(status);
    }

    /// <summary>Housekeeping: retires completions, sends and checks heartbeats, continues a resend, declares failures
    /// the device reported, and puts newly (re-)established links in place. Call it from the hot thread's idle loop.</summary>
    /// <returns>Work done (0 when there was nothing to do: an idle strategy may back off).</returns>
    public int DoWork()
    {
        if (_closed is not null)
        {
            return 0;
        }

        // What the devices reported first: the failure is then declared with the device's word for it, not with the
        // failed post or error completion the maintenance below would meet on the same link.
        int work = _core.TakeSignals() ? DrainLinks() : 0;
        work += _writer.Maintain();

        if (_switchStartedAt != 0 && _writer.Status == FailoverStatus.Active)
        {
            RecordSwitchover();
        }

        return work;
    }

    /// <summary>Drives <see cref="DoWork"/> on the calling thread (it must be the hot thread, or the hot thread must not
    /// run yet) until a link carries the stream.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>True once connected; false on timeout.</returns>
    public bool WaitForConnection(TimeSpan timeout)
    {
        IIdleStrategy idle = _core.Fabric.Options.IdleStrategy();
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!IsConnected)
        {
            if (Stopwatch.GetTimestamp() > deadline || _closed is not null)
            {
                return false;
            }

            idle.Idle(DoWork());
        }

        return true;
    }

    /// <summary>Closes the stream after flushing it: keeps doing the housekeeping until the reader has acknowledged
    /// every message offered, or <paramref name="timeout"/> has passed; then releases every link.</summary>
    /// <param name="timeout">How long to wait for the reader; zero closes at once.</param>
    /// <returns>What was offered and acknowledged; <see cref="CloseResult.Flushed"/> says whether the reader consumed
    /// everything. A second call returns the first result.</returns>
    public CloseResult Close(TimeSpan timeout)
    {
        if (_closed is not null)
        {
            return _closed;
        }

        IIdleStrategy idle = _core.Fabric.Options.IdleStrategy();
        long deadline = Stopwatch.GetTimestamp() + (long)(Math.Max(0, timeout.TotalSeconds) * Stopwatch.Frequency);
        while (_writer.AcknowledgedPosition < _writer.Position && Stopwatch.GetTimestamp() < deadline)
        {
            idle.Idle(DoWork());
        }

        var result = new CloseResult(_writer.Position, _writer.AcknowledgedPosition, timeout);
        _closed = result;
        _core.Dispose();
        _writer.Dispose();
        StackMetrics.Unregister(this);
        _core.Fabric.Remove(this, _core);
        LinkLog.Closed(_core.Fabric.Logger, "publication", Stream, result.Offered, result.Acknowledged);
        return result;
    }

    /// <summary>Closes the stream, flushing it for up to <see cref="FabricOptions.CloseTimeout"/> (see <see cref="Close"/>).</summary>
    public void Dispose() => Close(_core.Fabric.Options.CloseTimeout);

    /// <summary>Reports a failure of link <paramref name="link"/>'s current connection as its device would (a port error,
    /// a fatal event): the hot thread declares it at its next housekeeping. For fault injection.</summary>
    internal void RequestDeviceFailure(int link, string reason)
    {
        StreamLink l = _core.Links[link];
        l.RequestFailure(l.InstalledGeneration, LinkFailureCause.AsyncEvent, reason);
    }

    int IMeteredStream.LinkStateCode(int link) => _writer.GetLinkState(link) switch
    {
        LinkState.Active => 2,
        LinkState.Standby => 1,
        _ => 0,
    };

    /// <summary>An offer that did not go through, or every 64th message that did: count back-pressure, do the housekeeping.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private long AfterOffer(long status)
    {
        if (status == QueueStatus.BackPressured)
        {
            _backPressured++;
        }

        if (status != QueueStatus.Closed)
        {
            DoWork();
        }

        return status;
    }

    /// <summary>Declares the failures the devices reported, and puts new connections in place (ReplaceLink, on this
    /// thread); what they replace is disposed by the fabric's housekeeping thread.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int DrainLinks()
    {
        int work = 0;
        foreach (StreamLink link in _core.Links)
        {
            int i = link.Index;
            if (link.TakeFailure() is { } failure)
            {
                _writer.MarkFailed(i, failure.Cause, failure.Reason);
                work++;
            }

            if (link.TakePending() is not { } pending)
            {
                continue;
            }

            if (_writer.GetLinkState(i) != LinkState.Failed)
            {
                _writer.MarkFailed(i, LinkFailureCause.PeerClosed, "the peer connected the link anew");
            }

            SegmentedQueueWriter replaced = _writer.ReplaceLink(i, pending.Connection.Writer!);
            ILinkConnection? previous = link.Installed(pending);
            _core.Fabric.Housekeeper.Retire(previous ?? (IDisposable)replaced);
            string description = pending.Connection.Description;
            _core.Fabric.Housekeeper.Post(() => LinkLog.Connected(_core.Fabric.Logger, "publication", Stream, i, description));
            LinkConnected?.Invoke(this, new LinkConnected(i, pending.Generation, description));
            work++;
        }

        return work;
    }

    private void OnLinkFailed(object? sender, LinkFailure failure)
    {
        _failuresByCause[(int)failure.Cause]++;
        _core.Links[failure.Link].SetDown(true);
        StackMetrics.RecordDetection(failure, "publication", Stream);
        _core.Fabric.Housekeeper.Post(() => LinkLog.Failed(_core.Fabric.Logger, "publication", Stream, failure.Link, failure.Cause, failure.Reason));
        LinkFailed?.Invoke(this, failure);
    }

    private void OnFailedOver(object? sender, FailoverEvent e)
    {
        if (_everActive)
        {
            Interlocked.Increment(ref _failovers);
            _switchStartedAt = e.DetectedAt;
            long resent = Math.Max(0, e.LastResent - e.FirstResent + 1);
            _core.Fabric.Housekeeper.Post(() => LinkLog.FailedOver(_core.Fabric.Logger, "publication", Stream, e.From, e.To, e.Cause, resent));
        }

        _everActive = true;
        FailedOver?.Invoke(this, e);
    }

    private void RecordSwitchover()
    {
        if (StackMetrics.SwitchoverTime.Enabled)
        {
            StackMetrics.SwitchoverTime.Record(
                Stopwatch.GetElapsedTime(_switchStartedAt).TotalMilliseconds,
                new KeyValuePair<string, object?>("stream", Stream));
        }

        _switchStartedAt = 0;
    }
}
