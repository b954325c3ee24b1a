using System.Runtime.CompilerServices;
using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Failover;

/// <summary>
/// One logical stream over several links (US 9,948,545): one link carries a segmented queue, the others are
/// connected standbys with queues of their own. When the active link fails, the messages the reader has
/// not acknowledged are copied from its queue into a standby's, the standby becomes active and they are
/// sent again; the reader drops what it already delivered. The user sees one stream, a
/// <see cref="FailedOver"/> event, counters, and <see cref="QueueStatus.FailingOver"/> while a resend runs.
/// </summary>
/// <remarks>
/// <para>Sequence numbers are the stream's own and continue across links; a slot's place in every ring is
/// fixed by its sequence, so the copy is a copy of the same offsets and the reader needs no renumbering.</para>
/// <para>Health: a failed write or error completion, a reader heartbeat that stops moving for
/// <see cref="FailoverOptions.HeartbeatTimeout"/>, or a fault report written by the reader (a corrupt
/// slot, a lost write) marks a link failed. Call <see cref="Maintain"/> from the writer's loop: it retires
/// completions, sends heartbeats, checks the reader's, and continues a resend.</para>
/// <para>A group may start with every link disconnected (<c>startDisconnected</c>): the links are then
/// <see cref="LinkState.Failed"/> placeholders until <see cref="ReplaceLink"/> puts a connection in place; the
/// first one becomes active. That is how the library connects a stream: the first connection and a
/// re-established one take the same path.</para>
/// <para>Thread-safety: one writer thread for every member; the events are raised on it.</para>
/// </remarks>
internal sealed class FailoverWriter : IDisposable
{
    private readonly SegmentedQueueWriter[] _links;
    private readonly SegmentedQueueGeometry _geometry;
    private readonly LinkState[] _states;
    private readonly long[] _lastReaderHeartbeat;
    private readonly long[] _lastHeartbeatChange;
    private readonly bool[] _readerBeat;
    private readonly long[] _faultReportsSeen;
    private readonly TimeProvider _time;
    private readonly long _heartbeatIntervalTicks;
    private readonly long _heartbeatTimeoutTicks;
    private readonly long _firstHeartbeatTicks;
    private readonly int _slotsPerSegment;
    private int _active;
    private int _mirrorHolder;
    private readonly int _capacity;
    private long _tail;
    private long _acknowledged;
    private long _resendNext = 1;
    private long _resendLast;
    private long _lastHeartbeatSent;
    private long _epoch;
    private bool _disposed;

    /// <summary>Creates the group.</summary>
    /// <param name="links">One writer per link, all of the same geometry, none written yet.</param>
    /// <param name="options">Timing and policy; defaults if null.</param>
    /// <param name="timeProvider">The clock (tests pass an adjustable one); the system clock if null.</param>
    /// <param name="startDisconnected">False: link 0 starts active, the others standing by. True: every link is a
    /// failed placeholder until <see cref="ReplaceLink"/> connects it.</param>
    public FailoverWriter(IReadOnlyList<SegmentedQueueWriter> links, FailoverOptions? options = null, TimeProvider? timeProvider = null, bool startDisconnected = false)
    {
        ArgumentNullException.ThrowIfNull(links);
        if (links.Count is < 1 or > ControlBlockDescriptor.MaxLinks)
        {
            throw new ArgumentException($"A failover group has 1 to {ControlBlockDescriptor.MaxLinks} links, got {links.Count}.", nameof(links));
        }

        SegmentedQueueGeometry geometry = links[0].Geometry;
        foreach (SegmentedQueueWriter link in links)
        {
            if (link.Geometry != geometry)
            {
                throw new ArgumentException($"Every link needs the same geometry: {link.Geometry} differs from {geometry}.", nameof(links));
            }
        }

        Options = options ?? new FailoverOptions();
        _time = timeProvider ?? TimeProvider.System;
        _geometry = geometry;
        _links = [.. links];
        _states = new LinkState[_links.Length];
        _lastReaderHeartbeat = new long[_links.Length];
        _lastHeartbeatChange = new long[_links.Length];
        _readerBeat = new bool[_links.Length];
        _faultReportsSeen = new long[ControlBlockDescriptor.MaxLinks];
        _heartbeatIntervalTicks = ToTicks(Options.HeartbeatInterval);
        _heartbeatTimeoutTicks = ToTicks(Options.HeartbeatTimeout);
        _firstHeartbeatTicks = Math.Max(_heartbeatTimeoutTicks, ToTicks(Options.FirstHeartbeatTimeout));
        _slotsPerSegment = geometry.SlotsPerSegment;
        _capacity = geometry.Capacity;
        long now = _time.GetTimestamp();
        if (startDisconnected)
        {
            Array.Fill(_states, LinkState.Failed);
            _active = -1;
            return;
        }

        _links[0].Epoch = ++_epoch;
        for (int i = 0; i < _links.Length; i++)
        {
            _states[i] = i == 0 ? LinkState.Active : LinkState.Standby;
            _lastHeartbeatChange[i] = now;
            _links[i].SendHeartbeat(); // the reader learns link 0's epoch; a link that cannot take it fails in Maintain
        }
    }

    /// <summary>Raised when a link is found broken (on the writer thread).</summary>
    public event EventHandler<LinkFailure>? LinkFailed;

    /// <summary>Raised when the stream moved to another link (on the writer thread).</summary>
    public event EventHandler<FailoverEvent>? FailedOver;

    /// <summary>Timing and policy.</summary>
    public FailoverOptions Options { get; }

    /// <summary>Number of links.</summary>
    public int LinkCount => _links.Length;

    /// <summary>The link carrying the stream, or -1 when none is healthy.</summary>
    public int ActiveLink => _active;

    /// <summary>The last sequence accepted.</summary>
    public long Position => _tail;

    /// <summary>The highest head the reader published on any link, now or on a connection since replaced: everything up
    /// to it is delivered. A new connection's control block starts at zero, so the group keeps the highest it saw.</summary>
    /// <remarks>Updated on the writer thread; from another thread it may lag.</remarks>
    public long AcknowledgedPosition
    {
        get
        {
            long head = Volatile.Read(ref _acknowledged);
            foreach (SegmentedQueueWriter link in _links)
            {
                head = Math.Max(head, link.PublishedHead);
            }

            return head;
        }
    }

    /// <summary>Where the group stands.</summary>
    public FailoverStatus Status => _active < 0 ? FailoverStatus.NoHealthyLink : _resendNext <= _resendLast ? FailoverStatus.FailingOver : FailoverStatus.Active;

    /// <summary>Failovers done (including the activation of the first link to connect, when the group started disconnected).</summary>
    public long Failovers { get; private set; }

    /// <summary>Links found broken.</summary>
    public long LinkFailures { get; private set; }

    /// <summary>Messages sent again by failovers.</summary>
    public long MessagesResent { get; private set; }

    /// <summary>The state of link <paramref name="link"/>.</summary>
    /// <param name="link">Link index.</param>
    /// <returns>Its state.</returns>
    public LinkState GetLinkState(int link) => _states[link];

    /// <summary>The writer of link <paramref name="link"/> (counters, tests).</summary>
    /// <param name="link">Link index.</param>
    /// <returns>The writer now in place.</returns>
    public SegmentedQueueWriter GetLink(int link) => _links[link];

    /// <summary>Writes a message on the active link.</summary>
    /// <param name="message">At most the slot payload.</param>
    /// <returns>The stream sequence number (&gt; 0), or <see cref="QueueStatus.BackPressured"/>,
    /// <see cref="QueueStatus.FailingOver"/> (a resend is running: retry shortly),
    /// <see cref="QueueStatus.NotConnected"/> (no healthy link) or <see cref="QueueStatus.Closed"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Offer(ReadOnlySpan<byte> message) =>
        IsBlocked(out long blocked) ? blocked : AfterWrite(_links[_active].Offer(message));

    /// <summary>Claims the next slot of the active link for a message of <paramref name="length"/> bytes, to be
    /// written in place and committed with <see cref="Commit"/>.</summary>
    /// <param name="length">The message length.</param>
    /// <param name="claim">On success, the slot's payload and sequence.</param>
    /// <returns>The sequence the message will carry (&gt; 0), or a negative <see cref="QueueStatus"/> code.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long TryClaim(int length, out SlotClaim claim)
    {
        if (IsBlocked(out long blocked))
        {
            claim = default;
            return blocked;
        }

        return AfterClaim(_links[_active].TryClaim(length, out claim));
    }

    /// <summary>Commits the slot claimed with <see cref="TryClaim"/> and writes it.</summary>
    /// <param name="claim">The claim.</param>
    /// <returns>The sequence, or a negative <see cref="QueueStatus"/> code (the message was not sent: claim and
    /// write it again).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Commit(in SlotClaim claim) => AfterWrite(_links[_active].Commit(claim));

    /// <summary>Claims up to <paramref name="count"/> consecutive slots of the active link, to be written in place and
    /// committed together with <see cref="CommitBatch"/>.</summary>
    /// <param name="count">The most slots wanted, 1 or more.</param>
    /// <param name="length">Bytes claimed per message.</param>
    /// <param name="batch">On success, the claimed slots.</param>
    /// <returns>The first sequence of the batch (&gt; 0), or a negative <see cref="QueueStatus"/> code.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long TryClaimBatch(int count, int length, out SlotBatch batch)
    {
        if (IsBlocked(out long blocked))
        {
            batch = default;
            return blocked;
        }

        return AfterClaim(_links[_active].TryClaimBatch(count, length, out batch));
    }

    /// <summary>Commits the batch claimed with <see cref="TryClaimBatch"/> and writes it.</summary>
    /// <param name="batch">The batch.</param>
    /// <returns>The last sequence committed, or a negative <see cref="QueueStatus"/> code (nothing was sent).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long CommitBatch(in SlotBatch batch) => AfterWrite(_links[_active].CommitBatch(batch));

    /// <summary>Housekeeping for the writer's loop: retires completions, sends heartbeats every
    /// <see cref="FailoverOptions.HeartbeatInterval"/>, checks the reader's heartbeats and fault reports,
    /// and continues a resend. Cheap enough to call every iteration.</summary>
    /// <returns>Work done (completions retired, heartbeats sent, resends posted).</returns>
    public int Maintain()
    {
        if (_disposed)
        {
            return 0;
        }

        int work = 0;
        long now = _time.GetTimestamp();
        RememberAcknowledged();
        for (int i = 0; i < _links.Length; i++)
        {
            if (_states[i] == LinkState.Failed)
            {
                continue;
            }

            SegmentedQueueWriter link = _links[i];
            int done = link.PollCompletions();
            if (done < 0)
            {
                Fail(i, LinkFailureCause.ErrorCompletion, "error completion on the link", now);
                continue;
            }

            work += done;
            long heartbeat = link.ReaderHeartbeat;
            if (heartbeat != _lastReaderHeartbeat[i])
            {
                _lastReaderHeartbeat[i] = heartbeat;
                _lastHeartbeatChange[i] = now;
                _readerBeat[i] = true;
            }
            else if (_heartbeatTimeoutTicks > 0 && now - _lastHeartbeatChange[i] > (_readerBeat[i] ? _heartbeatTimeoutTicks : _firstHeartbeatTicks))
            {
                Fail(i, LinkFailureCause.Heartbeat, _readerBeat[i]
                    ? $"the reader's heartbeat stopped for over {Options.HeartbeatTimeout.TotalMilliseconds:0.###} ms"
                    : $"the reader did not write a first heartbeat on the connection within {Options.FirstHeartbeatTimeout.TotalMilliseconds:0.###} ms", now);
                continue;
            }

            for (int j = 0; j < _links.Length; j++)
            {
                // A report names the epoch it concerns: one about an earlier activation of a link that has
                // since been repaired and restored is stale and ignored.
                long report = link.FaultReport(j);
                if (report > _faultReportsSeen[j])
                {
                    _faultReportsSeen[j] = report;
                    long reportedEpoch = FaultReport.Epoch(report);
                    if (_states[j] == LinkState.Active && reportedEpoch == _links[j].Epoch)
                    {
                        LinkFailureCause cause = FaultReport.Cause(report);
                        Fail(j, cause, $"the reader reported the link broken ({FaultReport.Describe(cause)})", now);
                    }
                }
            }
        }

        if (now - _lastHeartbeatSent >= _heartbeatIntervalTicks)
        {
            _lastHeartbeatSent = now;
            for (int i = 0; i < _links.Length; i++)
            {
                if (_states[i] != LinkState.Failed)
                {
                    WriteStatus status = _links[i].SendHeartbeat();
                    if (status == WriteStatus.Posted)
                    {
                        work++;
                    }
                    else if (status != WriteStatus.SendQueueFull)
                    {
                        Fail(i, LinkFailureCause.FailedPost, $"heartbeat write failed: {status}", now);
                    }
                }
            }
        }

        if (_resendNext <= _resendLast && _active >= 0)
        {
            work += ContinueResend();
        }

        return work;
    }

    /// <summary>Marks link <paramref name="link"/> failed (the device reported its port down, the peer replaced
    /// the connection, the application asked); if it was active, the stream fails over at once.</summary>
    /// <param name="link">Link index.</param>
    /// <param name="cause">What showed it.</param>
    /// <param name="reason">Why, in words, for the event.</param>
    public void MarkFailed(int link, LinkFailureCause cause, string reason) => Fail(link, cause, reason, _time.GetTimestamp());

    /// <summary>Puts a repaired link back as a standby (the failback path; it may be the one that failed
    /// first). Its send queue must be empty (a re-established connection). If no link was healthy, the
    /// stream resumes on it at once, sending again everything unacknowledged.</summary>
    /// <param name="link">Link index.</param>
    public void Restore(int link)
    {
        if (_states[link] != LinkState.Failed)
        {
            return;
        }

        _links[link].ResetSendQueue();
        MakeStandby(link, newConnection: false, "a link was restored after every link had failed");
    }

    /// <summary>Puts a new connection in place of failed link <paramref name="link"/> (a new queue pair and new
    /// memory after a real link-down, or the first connection of a placeholder) and makes it a standby, like
    /// <see cref="Restore"/>. If the old writer's copy (its mirror, or its ring in place) was the only one of the
    /// unacknowledged messages, they are copied over first. The reader must replace its end of the same link.</summary>
    /// <param name="link">Link index; the link must be <see cref="LinkState.Failed"/>.</param>
    /// <param name="writer">The new writer, same geometry, nothing written on it yet.</param>
    /// <returns>The old writer, no longer used by the group: the caller disposes it (off the hot thread if it likes).</returns>
    /// <exception cref="InvalidOperationException">The link is not failed.</exception>
    /// <exception cref="ArgumentException">The geometry differs.</exception>
    public SegmentedQueueWriter ReplaceLink(int link, SegmentedQueueWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (writer.Geometry != _geometry)
        {
            throw new ArgumentException($"The new link's geometry {writer.Geometry} differs from the group's {_geometry}.", nameof(writer));
        }

        if (_states[link] != LinkState.Failed)
        {
            throw new InvalidOperationException($"Link {link} is {_states[link]}: only a failed link can be replaced.");
        }

        SegmentedQueueWriter old = _links[link];
        long acknowledged = RememberAcknowledged();
        if (link == _mirrorHolder)
        {
            writer.CopySlotsFrom(old, FirstUnacknowledged(acknowledged), _tail);
        }

        writer.ResumeAt(_tail, acknowledged);
        _links[link] = writer;
        writer.ResetSendQueue();
        MakeStandby(link, newConnection: true, "a link was connected while no link was healthy");
        return old;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (SegmentedQueueWriter link in _links)
        {
            link.Dispose();
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * TimeProvider.System.TimestampFrequency);

    /// <summary>Keeps the highest acknowledged position seen (a replaced link takes its control block with it).</summary>
    private long RememberAcknowledged()
    {
        long acknowledged = AcknowledgedPosition;
        Volatile.Write(ref _acknowledged, acknowledged);
        return acknowledged;
    }

    /// <summary>The first sequence a failover must keep: after <paramref name="acknowledged"/>, and never more than a
    /// ring's worth behind the tail (the writer entered a segment only once the reader had left it, so everything older
    /// was consumed even if no head for it survived).</summary>
    private long FirstUnacknowledged(long acknowledged) => Math.Max(acknowledged + 1, _tail - _capacity + 1);

    /// <summary>Makes link <paramref name="link"/> a standby, and the active link if none is.</summary>
    /// <param name="link">Link index.</param>
    /// <param name="newConnection">True for a new connection: its reader may still be setting up, so it has
    /// <see cref="FailoverOptions.FirstHeartbeatTimeout"/> for its first heartbeat. False for a link restored on the
    /// same connection, whose reader was beating before.</param>
    /// <param name="reasonIfNoneActive">The failover event's reason if this link becomes active.</param>
    private void MakeStandby(int link, bool newConnection, string reasonIfNoneActive)
    {
        _states[link] = LinkState.Standby;
        _lastHeartbeatChange[link] = _time.GetTimestamp();
        _lastReaderHeartbeat[link] = _links[link].ReaderHeartbeat;
        _readerBeat[link] = !newConnection;
        if (_active < 0)
        {
            Activate(link, -1, LinkFailureCause.Unknown, reasonIfNoneActive, _time.GetTimestamp());
        }
    }

    /// <summary>True (with the status to return) while a resend runs or no link is healthy and
    /// <see cref="Unblock"/> cannot change that.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsBlocked(out long status)
    {
        status = 0;
        if (_resendNext <= _resendLast || _active < 0)
        {
            status = Unblock();
        }

        return status < 0;
    }

    /// <summary>A claim's status: a failure other than back-pressure fails the link.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long AfterClaim(long status) =>
        status > 0 || status == QueueStatus.BackPressured || _disposed ? status : OnWriteFailed(status);

    /// <summary>A write's status: success moves the tail, a failure other than back-pressure fails the link.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long AfterWrite(long status)
    {
        if (status > 0)
        {
            _tail = status;
            return status;
        }

        return status == QueueStatus.BackPressured || _disposed ? status : OnWriteFailed(status);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long Unblock()
    {
        if (_disposed)
        {
            return QueueStatus.Closed;
        }

        if (_active < 0)
        {
            return QueueStatus.NotConnected;
        }

        ContinueResend();
        return _resendNext <= _resendLast ? QueueStatus.FailingOver : 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long OnWriteFailed(long status)
    {
        Fail(_active, LinkFailureCause.FailedPost, $"write failed: {QueueStatus.Describe(status)}", _time.GetTimestamp());
        return _active < 0 ? QueueStatus.NotConnected : QueueStatus.FailingOver;
    }

    private void Fail(int link, LinkFailureCause cause, string reason, long now)
    {
        if (_states[link] == LinkState.Failed)
        {
            return;
        }

        bool wasActive = link == _active;
        _states[link] = LinkState.Failed;
        LinkFailures++;
        LinkFailed?.Invoke(this, new LinkFailure(link, cause, reason, now, _lastHeartbeatChange[link]));
        if (!wasActive)
        {
            return;
        }

        _active = -1;
        for (int step = 1; step <= _links.Length; step++)
        {
            int candidate = (link + step) % _links.Length;
            if (_states[candidate] == LinkState.Standby)
            {
                Activate(candidate, link, cause, reason, now);
                return;
            }
        }
    }

    /// <summary>Copies every unacknowledged slot from the link whose copy holds them (its mirror, or its ring where it
    /// writes in place) into <paramref name="link"/>'s, makes it active and starts sending them again (all of them, or
    /// with <see cref="ResendScope.CurrentSegment"/> only those of the tail's segment: the copy is never narrowed, so a
    /// later failover can still resend the older unacknowledged ones; into a link that writes in place the copy is
    /// itself the resend, so there every unacknowledged slot goes again).</summary>
    private void Activate(int link, int from, LinkFailureCause cause, string reason, long detectedAt)
    {
        long acknowledged = RememberAcknowledged();
        long first = FirstUnacknowledged(acknowledged);
        SegmentedQueueWriter target = _links[link];
        if (link != _mirrorHolder)
        {
            target.CopySlotsFrom(_links[_mirrorHolder], first, _tail);
        }

        if (Options.ResendScope == ResendScope.CurrentSegment && _tail > 0)
        {
            first = Math.Max(first, _tail - ((_tail - 1) % _slotsPerSegment));
        }

        target.ResumeAt(_tail, acknowledged);
        target.Epoch = ++_epoch;

        // The new epoch goes ahead of the resent slots (writes land in order): the reader follows the link
        // with the newest epoch, so it never mistakes a repaired standby's old ring for the stream.
        WriteStatus announced = target.SendHeartbeat();
        _mirrorHolder = link;
        _active = link;
        _states[link] = LinkState.Active;
        _resendNext = first;
        _resendLast = _tail;
        Failovers++;
        FailedOver?.Invoke(this, new FailoverEvent(from, link, cause, reason, detectedAt, first, _tail, target.Epoch));
        if (announced is not WriteStatus.Posted and not WriteStatus.SendQueueFull)
        {
            Fail(link, LinkFailureCause.FailedPost, $"epoch announcement failed: {announced}", _time.GetTimestamp());
            return;
        }

        ContinueResend();
    }

    /// <summary>Posts the pending resends while the send queue has room; a failure moves on to the next link.</summary>
    private int ContinueResend()
    {
        int posted = 0;
        while (_resendNext <= _resendLast)
        {
            WriteStatus status = _links[_active].RepostSlot(_resendNext);
            if (status == WriteStatus.Posted)
            {
                _resendNext++;
                MessagesResent++;
                posted++;
            }
            else if (status == WriteStatus.SendQueueFull)
            {
                break;
            }
            else
            {
                Fail(_active, LinkFailureCause.FailedPost, $"write failed during the resend: {status}", _time.GetTimestamp());
                break;
            }
        }

        return posted;
    }
}
