using System.Runtime.CompilerServices;
using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Failover;

/// <summary>
/// The receiving end of a stream carried over several links (the peer of <see cref="FailoverWriter"/>;
/// link i here must be link i there). It delivers each sequence once, in order, from whichever link
/// carries it: the active link first, the others when the active one has nothing new.
/// </summary>
/// <remarks>
/// <para>Which link: the one whose writer heartbeat announces the newest activation epoch. A failover
/// writes the new epoch into the new link's trailer ahead of the resent slots, so the reader moves as soon
/// as the active link has nothing new and the new one has spoken; a repaired standby's old ring (older
/// epoch) is never read.</para>
/// <para>Duplicates: the reader moves to the new link at the stream's position
/// (<see cref="SegmentedQueueReader.Seek"/>), so the resent messages it already delivered are never read;
/// only the next expected sequence, with a valid CRC, is ever delivered.</para>
/// <para>Feedback: the head goes to every link at each finished segment (so the writer's acknowledged
/// position survives the loss of any one link), to the new link at once when the stream moves, and to every
/// link when the reader is idle with a head it has not published yet (so a writer that flushes on close learns
/// that everything arrived). A corrupt slot, or a write the writer's heartbeat says was sent but never arrived,
/// is reported into the writer's control block over every link, naming the epoch and the cause; the writer then
/// fails over.</para>
/// <para>This side's own view of a link's health (its writer's heartbeat stopped, its head writes fail, the
/// device reported an error) marks the link failed here too (<see cref="IsLinkFailed"/>, <see cref="LinkFailed"/>),
/// so that the side that dials can re-establish it; the reader stops heartbeating on a failed link, so the writer
/// comes to the same view.</para>
/// <para>Thread-safety: one reader thread for every member; events are raised on it.</para>
/// </remarks>
internal sealed class FailoverReader : IDisposable
{
    private readonly SegmentedQueueReader[] _links;
    private readonly long[] _lastWriterHeartbeat;
    private readonly long[] _lastWriterHeartbeatChange;
    private readonly bool[] _writerAlive;
    private readonly bool[] _writerBeat;
    private readonly bool[] _connected;
    private readonly bool[] _failed;
    private readonly long[] _corruptSeen;
    private readonly long[] _faultReports;
    private readonly TimeProvider _time;
    private readonly long _heartbeatIntervalTicks;
    private readonly long _heartbeatTimeoutTicks;
    private readonly long _firstHeartbeatTicks;
    private readonly long _lostWriteTicks;
    private readonly int _slotsPerSegment;
    private readonly bool _singleLink;
    private int _active;
    private long _position;
    private long _segmentStart;
    private long _publishedPosition;
    private long _stalledAt = -1;
    private long _stallSince;
    private long _lastHeartbeatSent;
    private long _lastIdlePublish;
    private int _switchedFrom = -1;
    private long _switchedFromEpoch;
    private bool _switchedFromCarried;
    private long _activeSince;
    private bool _disposed;

    /// <summary>Creates the reading end.</summary>
    /// <param name="links">One reader per link, same geometry, in the writer's link order.</param>
    /// <param name="options">Timing; defaults if null (use the writer's values).</param>
    /// <param name="timeProvider">The clock; the system clock if null.</param>
    /// <param name="startDisconnected">False: every link is connected and link 0 is expected to carry the stream
    /// first. True: every link is a placeholder until <see cref="ReplaceLink"/> connects it.</param>
    public FailoverReader(IReadOnlyList<SegmentedQueueReader> links, FailoverOptions? options = null, TimeProvider? timeProvider = null, bool startDisconnected = false)
    {
        ArgumentNullException.ThrowIfNull(links);
        if (links.Count is < 1 or > ControlBlockDescriptor.MaxLinks)
        {
            throw new ArgumentException($"A failover group has 1 to {ControlBlockDescriptor.MaxLinks} links, got {links.Count}.", nameof(links));
        }

        foreach (SegmentedQueueReader link in links)
        {
            if (link.Geometry != links[0].Geometry)
            {
                throw new ArgumentException($"Every link needs the same geometry: {link.Geometry} differs from {links[0].Geometry}.", nameof(links));
            }
        }

        Options = options ?? new FailoverOptions();
        _time = timeProvider ?? TimeProvider.System;
        _links = [.. links];
        _lastWriterHeartbeat = new long[_links.Length];
        _lastWriterHeartbeatChange = new long[_links.Length];
        _writerAlive = new bool[_links.Length];
        _writerBeat = new bool[_links.Length];
        _connected = new bool[_links.Length];
        _failed = new bool[_links.Length];
        _corruptSeen = new long[_links.Length];
        _faultReports = new long[_links.Length];
        _heartbeatIntervalTicks = ToTicks(Options.HeartbeatInterval);
        _heartbeatTimeoutTicks = ToTicks(Options.HeartbeatTimeout);
        _firstHeartbeatTicks = Math.Max(_heartbeatTimeoutTicks, ToTicks(Options.FirstHeartbeatTimeout));
        _lostWriteTicks = ToTicks(Options.LostWriteTimeout);
        _slotsPerSegment = links[0].Geometry.SlotsPerSegment;
        _singleLink = _links.Length == 1;
        long now = _time.GetTimestamp();
        _lastIdlePublish = now;
        for (int i = 0; i < _links.Length; i++)
        {
            _lastWriterHeartbeatChange[i] = now;
            _writerAlive[i] = !startDisconnected;
            _connected[i] = !startDisconnected;
        }
    }

    /// <summary>Raised when the reader first delivers from another link (on the reader thread).</summary>
    public event EventHandler<LinkSwitch>? SwitchedLink;

    /// <summary>Raised when the reader finds a link broken: a corrupt slot, a lost write, a silent writer, a head
    /// write that failed, or a failure reported by <see cref="MarkFailed"/>.</summary>
    public event EventHandler<LinkFailure>? LinkFailed;

    /// <summary>Timing.</summary>
    public FailoverOptions Options { get; }

    /// <summary>Number of links.</summary>
    public int LinkCount => _links.Length;

    /// <summary>The link the last message came from.</summary>
    public int ActiveLink => _active;

    /// <summary>The last sequence delivered.</summary>
    public long Position => _position;

    /// <summary>Times the stream was found on another link.</summary>
    public long Switches { get; private set; }

    /// <summary>Faults reported back to the writer.</summary>
    public long FaultsReported { get; private set; }

    /// <summary>Whether link <paramref name="link"/>'s writer heartbeat is moving.</summary>
    /// <param name="link">Link index.</param>
    /// <returns>False once it stood still past the heartbeat timeout, and for a link never connected.</returns>
    public bool IsWriterAlive(int link) => _writerAlive[link];

    /// <summary>Whether link <paramref name="link"/> has a connection in place.</summary>
    /// <param name="link">Link index.</param>
    /// <returns>False for a placeholder.</returns>
    public bool IsLinkConnected(int link) => _connected[link];

    /// <summary>Whether this side found link <paramref name="link"/> broken since it was last connected.</summary>
    /// <param name="link">Link index.</param>
    /// <returns>True from the failure until <see cref="ReplaceLink"/>.</returns>
    public bool IsLinkFailed(int link) => _failed[link];

    /// <summary>The reader of link <paramref name="link"/> (for counters).</summary>
    /// <param name="link">Link index.</param>
    /// <returns>The reader.</returns>
    public SegmentedQueueReader GetLink(int link) => _links[link];

    /// <summary>Delivers up to <paramref name="limit"/> new messages, in stream order, each exactly once.</summary>
    /// <typeparam name="THandler">A struct handler gets a direct call.</typeparam>
    /// <param name="handler">Receives each message.</param>
    /// <param name="limit">Most messages in this call.</param>
    /// <returns>Messages delivered.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Poll<THandler>(ref THandler handler, int limit = int.MaxValue)
        where THandler : IMessageHandler, allows ref struct
    {
        // A spinning reader of one link polls its reader inline: one read of the next slot's sequence, and a message that
        // is there goes to the handler with no call before it. With one link there is no other epoch to move to; a slot
        // that fails its check, a wrong sequence or a publication to retry goes to the full poll below.
        if (_singleLink)
        {
            SegmentedQueueReader link = _links[0];
            int one = link.TryPollOne(ref handler);
            if (one == 0)
            {
                return 0;
            }

            if (one > 0)
            {
                Delivered(link);
                return limit > 1 ? 1 + PollActive(ref handler, limit - 1) : 1;
            }
        }

        int delivered = PollActive(ref handler, limit);
        return delivered > 0 ? delivered : PollAfterIdle(ref handler, limit);
    }

    /// <summary>Takes up to <paramref name="limit"/> ready messages in place from the link that carries the stream;
    /// <see cref="ReleaseBatch"/> consumes them. No housekeeping may run in between (it could switch links).</summary>
    /// <param name="limit">The most messages to take, 1 or more.</param>
    /// <param name="batch">The messages taken (none when the result is 0).</param>
    /// <returns>Messages taken.</returns>
    public int PollBatch(int limit, out MessageBatch batch)
    {
        int taken = _links[_active].PollBatch(_switchedFrom < 0 ? limit : 1, out batch);
        if (taken > 0)
        {
            return taken;
        }

        if (MoveToNewestEpoch())
        {
            taken = _links[_active].PollBatch(1, out batch);
            if (taken > 0)
            {
                return taken;
            }
        }

        CheckCorruption();
        return 0;
    }

    /// <summary>Consumes the messages of a batch from <see cref="PollBatch"/>: the stream's position moves past them.</summary>
    /// <param name="batch">The batch.</param>
    public void ReleaseBatch(in MessageBatch batch)
    {
        SegmentedQueueReader active = _links[_active];
        active.ReleaseBatch(batch);
        Delivered(active);
    }

    /// <summary>Housekeeping for the reader's loop: heartbeats every interval on every healthy link, the writer's
    /// heartbeats, completions of the head writes, the idle head, lost-write detection, and corrupt-slot reports.</summary>
    /// <returns>Heartbeats and reports sent.</returns>
    public int Maintain()
    {
        if (_disposed)
        {
            return 0;
        }

        int work = 0;
        long now = _time.GetTimestamp();
        bool heartbeatDue = now - _lastHeartbeatSent >= _heartbeatIntervalTicks;
        if (heartbeatDue)
        {
            _lastHeartbeatSent = now;
        }

        for (int i = 0; i < _links.Length; i++)
        {
            if (!_connected[i] || _failed[i])
            {
                continue;
            }

            SegmentedQueueReader link = _links[i];
            if (link.PollCompletions() < 0)
            {
                Fail(i, LinkFailureCause.ErrorCompletion, "a head or heartbeat write completed with an error", now);
                continue;
            }

            if (heartbeatDue)
            {
                WriteStatus sent = link.SendHeartbeat();
                if (sent == WriteStatus.Posted)
                {
                    work++;
                }
                else if (sent != WriteStatus.SendQueueFull)
                {
                    Fail(i, LinkFailureCause.FailedPost, $"heartbeat write failed: {sent}", now);
                    continue;
                }
            }

            long heartbeat = link.WriterHeartbeat;
            if (heartbeat != _lastWriterHeartbeat[i])
            {
                _lastWriterHeartbeat[i] = heartbeat;
                _lastWriterHeartbeatChange[i] = now;
                _writerAlive[i] = true;
                _writerBeat[i] = true;
            }
            else if (_writerAlive[i] && _heartbeatTimeoutTicks > 0 && now - _lastWriterHeartbeatChange[i] > (_writerBeat[i] ? _heartbeatTimeoutTicks : _firstHeartbeatTicks))
            {
                _writerAlive[i] = false;
                Fail(i, LinkFailureCause.Heartbeat, _writerBeat[i]
                    ? $"the writer's heartbeat stopped for over {Options.HeartbeatTimeout.TotalMilliseconds:0.###} ms"
                    : $"the writer did not write a first heartbeat on the connection within {Options.FirstHeartbeatTimeout.TotalMilliseconds:0.###} ms", now);
            }
        }

        if (_position != _publishedPosition && now - _lastIdlePublish >= _heartbeatIntervalTicks)
        {
            _lastIdlePublish = now;
            _links[_active].PublishHead();
            PublishToOthers(_position);
            _publishedPosition = _position;
            work++;
        }

        work += CheckCorruption();
        work += CheckLostWrite(now);
        return work;
    }

    /// <summary>Marks link <paramref name="link"/> broken from this side (its device reported a port error or a
    /// fatal error): the writer learns it through a fault report over every link, and the link is failed here
    /// until it is replaced.</summary>
    /// <param name="link">Link index.</param>
    /// <param name="cause">What showed it.</param>
    /// <param name="reason">Why, in words.</param>
    public void MarkFailed(int link, LinkFailureCause cause, string reason)
    {
        long now = _time.GetTimestamp();
        if (_connected[link] && !_failed[link] && ReportFault(link, cause, reason, now) == 0)
        {
            Fail(link, cause, reason, now);
        }
    }

    /// <summary>Takes a repaired link back without a new connection (its peer's <see cref="FailoverWriter.Restore"/>):
    /// heartbeats resume on it and its failure is forgotten.</summary>
    /// <param name="link">Link index.</param>
    public void Restore(int link)
    {
        _failed[link] = false;
        _writerAlive[link] = _connected[link];
        _lastWriterHeartbeatChange[link] = _time.GetTimestamp();
    }

    /// <summary>Puts the reader of a new connection in place of link <paramref name="link"/>'s (the peer replaced
    /// its writer with <see cref="FailoverWriter.ReplaceLink"/>, or connected the link for the first time); the new
    /// one starts at the stream's position. Call it on the reader thread.</summary>
    /// <param name="link">Link index.</param>
    /// <param name="reader">The new reader, same geometry.</param>
    /// <returns>The old reader, no longer used: the caller disposes it (off the hot thread if it likes).</returns>
    /// <exception cref="ArgumentException">The geometry differs.</exception>
    public SegmentedQueueReader ReplaceLink(int link, SegmentedQueueReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.Geometry != _links[link].Geometry)
        {
            throw new ArgumentException($"The new link's geometry {reader.Geometry} differs from the group's {_links[link].Geometry}.", nameof(reader));
        }

        SegmentedQueueReader old = _links[link];
        reader.Seek(_position);
        reader.PublishHead();
        _links[link] = reader;
        _corruptSeen[link] = 0;
        _lastWriterHeartbeat[link] = reader.WriterHeartbeat;
        _lastWriterHeartbeatChange[link] = _time.GetTimestamp();
        _writerAlive[link] = true;
        _writerBeat[link] = false; // the writer of a new connection may still be setting up: it has the first-heartbeat bound
        _connected[link] = true;
        _failed[link] = false;
        return old;
    }

    /// <summary>Publishes the head on every healthy link now, whatever the heartbeat interval says (before closing: the
    /// writer, perhaps flushing, learns at once that everything it sent arrived).</summary>
    public void PublishHeadNow()
    {
        if (_connected[_active] && !_failed[_active])
        {
            _links[_active].PublishHead();
        }

        PublishToOthers(_position);
        _publishedPosition = _position;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (SegmentedQueueReader link in _links)
        {
            link.Dispose();
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * TimeProvider.System.TimestampFrequency);

    private void Fail(int link, LinkFailureCause cause, string reason, long now)
    {
        if (_failed[link])
        {
            return;
        }

        _failed[link] = true;
        LinkFailed?.Invoke(this, new LinkFailure(link, cause, reason, now, _lastWriterHeartbeatChange[link]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(long position)
    {
        // Whether the position left its segment, without the two 64-bit divisions of comparing segment numbers on
        // every delivery (they sat between a delivery and the caller's next write).
        if ((ulong)(position - _segmentStart) >= (ulong)_slotsPerSegment)
        {
            PublishToOthers(position);

            // The active link's reader published the head when it crossed the last boundary, not where this poll
            // ended: what lies past the boundary is still for the idle publication to acknowledge.
            _segmentStart = position - (position % _slotsPerSegment);
            _publishedPosition = _segmentStart;
        }

        _position = position;
    }

    /// <summary>The active link's reader published on its own; the others learn the head too, so whichever
    /// link the writer moves to knows what is acknowledged.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PublishToOthers(long position)
    {
        for (int i = 0; i < _links.Length; i++)
        {
            if (i != _active && _connected[i] && !_failed[i])
            {
                _links[i].Seek(position);
                _links[i].PublishHead();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int PollActive<THandler>(ref THandler handler, int limit)
        where THandler : IMessageHandler, allows ref struct
    {
        SegmentedQueueReader active = _links[_active];

        // Right after a move, deliver one message alone so the switch is timed at the first delivery over
        // the new link, not after a whole batch.
        int delivered = active.Poll(ref handler, _switchedFrom < 0 ? limit : 1);
        if (delivered > 0)
        {
            Delivered(active);
        }

        return delivered;
    }

    /// <summary>The active link's reader delivered messages: the stream's position follows it, and the first delivery
    /// after a move completes the switch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Delivered(SegmentedQueueReader active)
    {
        long first = _position + 1;
        Advance(active.Position);
        if (_switchedFrom >= 0)
        {
            OnSwitched(first);
        }
    }

    /// <summary>The active link has nothing new: if another link announces a newer epoch, the writer has
    /// failed over to it; move there (at the stream's position, so what was delivered is not delivered
    /// again) and read. A repaired standby's older ring is never read.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int PollAfterIdle<THandler>(ref THandler handler, int limit)
        where THandler : IMessageHandler, allows ref struct
    {
        if (MoveToNewestEpoch())
        {
            int delivered = PollActive(ref handler, limit);
            if (delivered > 0)
            {
                return delivered;
            }
        }

        CheckCorruption();
        return 0;
    }

    private bool MoveToNewestEpoch()
    {
        int newest = _active;
        long newestEpoch = _links[_active].WriterEpoch;
        for (int i = 0; i < _links.Length; i++)
        {
            long epoch = _links[i].WriterEpoch;
            if (epoch > newestEpoch)
            {
                newest = i;
                newestEpoch = epoch;
            }
        }

        if (newest == _active)
        {
            return false;
        }

        _switchedFrom = _active;
        _switchedFromEpoch = _links[_active].WriterEpoch;
        _switchedFromCarried = _position > _activeSince;
        _activeSince = _position;
        _active = newest;
        SegmentedQueueReader link = _links[newest];
        link.Seek(_position);
        link.PublishHead();
        return true;
    }

    /// <summary>The first message from the link the reader moved to has been delivered. Moving off a link the writer
    /// never activated (the first connection of a stream that started disconnected) is not a switch; a link that
    /// announced an epoch, or carried messages to this reader, was activated (its announcement may never have
    /// arrived whole: the heartbeats of a failing link are what gets lost).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnSwitched(long first)
    {
        if (_switchedFromEpoch > 0 || _switchedFromCarried)
        {
            Switches++;
            SwitchedLink?.Invoke(this, new LinkSwitch(_switchedFrom, _active, first, _time.GetTimestamp(), _links[_active].WriterEpoch));
        }

        _switchedFrom = -1;
    }

    /// <summary>Reports the active link when its reader has newly counted a corrupt slot (the clock is read only then).</summary>
    private int CheckCorruption()
    {
        long corrupt = _links[_active].Counters.CorruptSlots;
        if (corrupt <= _corruptSeen[_active])
        {
            return 0;
        }

        _corruptSeen[_active] = corrupt;
        return ReportFault(_active, LinkFailureCause.CorruptSlot, $"corrupt slot at sequence {_position + 1}", _time.GetTimestamp());
    }

    /// <summary>When the active link's live writer says it wrote past our position and nothing arrives for
    /// the lost-write timeout, a write was lost: report the link. The bound runs from the moment the tail
    /// was first seen ahead, not from the last delivery: an idle reader whose writer was merely slow must
    /// not blame the link for data that arrived a moment ago.</summary>
    private int CheckLostWrite(long now)
    {
        long tail = _links[_active].WriterTail;
        if (_position != _stalledAt || tail <= _position || !_writerAlive[_active])
        {
            _stalledAt = tail > _position ? _position : -1;
            _stallSince = now;
            return 0;
        }

        if (now - _stallSince <= _lostWriteTicks)
        {
            return 0;
        }

        _stallSince = now;
        return ReportFault(_active, LinkFailureCause.LostWrite, $"lost write: the writer sent up to {tail} on link {_active}, nothing after {_position} arrived", now);
    }

    /// <summary>Tells the writer, over every link, that <paramref name="link"/> is broken in its current
    /// epoch, once per epoch (the writer fails the link on the first report), and fails it here.</summary>
    /// <returns>1 if a report was sent; 0 if the link's epoch was reported already or it was never activated.</returns>
    private int ReportFault(int link, LinkFailureCause cause, string reason, long now)
    {
        long epoch = _links[link].WriterEpoch;
        if (epoch <= _faultReports[link])
        {
            return 0;
        }

        _faultReports[link] = epoch;
        long report = FaultReport.Encode(epoch, cause);
        foreach (SegmentedQueueReader each in _links)
        {
            each.ReportFault(link, report);
        }

        FaultsReported++;
        Fail(link, cause, reason, now);
        return 1;
    }
}
