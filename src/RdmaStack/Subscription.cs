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
/// A stream this process reads: the reading end of the publication's failover group, over every link of its
/// <see cref="Fabric"/>. It delivers each message once, in the stream's order, from whichever link carries it; a slot
/// is delivered only when its sequence is the next one and its checksum holds.
/// </summary>
/// <remarks>
/// <para>Housekeeping (heartbeats, the writer's heartbeats, lost-write and corrupt-slot reports, the idle head,
/// putting (re-)established links in place) runs in <see cref="DoWork"/>, which Poll also calls every 64 messages (an
/// empty poll counts as one; a batch counts as its messages). A thread that stops polling must keep calling DoWork, or
/// the writer declares the link dead.</para>
/// <para>Thread-safety: one thread (the hot thread) calls Poll, DoWork and WaitForConnection; the events are raised on
/// it. Positions and counters may be read from any thread (approximate there).</para>
/// <para>Hot path: no allocation, lock or system call (the delegate overload of Poll: cache the delegate).</para>
/// </remarks>
public sealed class Subscription : IDisposable, IMeteredStream
{
    private readonly StreamCore _core;
    private readonly FailoverReader _reader;
    private readonly long[] _failuresByCause = new long[Enum.GetValues<LinkFailureCause>().Length];
    private int _sinceWork;
    private bool _closed;
    private bool _batchOutstanding;
    private ReaderCounters _retired;

    internal Subscription(StreamCore core)
    {
        _core = core;
        FabricOptions options = core.Fabric.Options;
        var placeholders = new SegmentedQueueReader[core.Links.Length];
        for (int i = 0; i < placeholders.Length; i++)
        {
            MemoryRegion ring = MemoryRegion.AllocatePrivate(options.Geometry.RingRegionLength, "placeholder ring");
            MemoryRegion headSource = MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "placeholder head source");
            placeholders[i] = new SegmentedQueueReader(options.Geometry, ring, new DisconnectedChannel(headSource));
        }

        _reader = new FailoverReader(placeholders, options.Failover, options.TimeProvider, startDisconnected: true);
        _reader.LinkFailed += OnLinkFailed;
        _reader.SwitchedLink += (_, e) => SwitchedLink?.Invoke(this, e);
        StackMetrics.Register(this);
    }

    /// <summary>Raised on the hot thread when this side finds a link broken (a corrupt slot, a lost write, the writer's
    /// heartbeat stopped, a head write failed, the device reported an error).</summary>
    public event EventHandler<LinkFailure>? LinkFailed;

    /// <summary>Raised on the hot thread when the first message arrives over another link than the last.</summary>
    public event EventHandler<LinkSwitch>? SwitchedLink;

    /// <summary>Raised on the hot thread when a link's new connection is put in place.</summary>
    public event EventHandler<LinkConnected>? LinkConnected;

    /// <summary>The stream's name.</summary>
    public string Stream => _core.Stream;

    /// <summary>True while at least one link is connected and healthy.</summary>
    public bool IsConnected
    {
        get
        {
            for (int i = 0; i < _reader.LinkCount; i++)
            {
                if (_reader.IsLinkConnected(i) && !_reader.IsLinkFailed(i))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The sequence of the last message delivered (0 before the first).</summary>
    public long Position => _reader.Position;

    /// <summary>The link the last message came from.</summary>
    public int ActiveLink => _reader.ActiveLink;

    /// <summary>Number of links.</summary>
    public int LinkCount => _reader.LinkCount;

    /// <summary>Times the stream was found on another link.</summary>
    public long Switches => _reader.Switches;

    /// <summary>Broken links this side reported to the writer (corrupt slots, lost writes, device errors).</summary>
    public long FaultsReported => _reader.FaultsReported;

    /// <summary>The queue's checks over every link and every connection the stream had: slots found corrupt, wrong
    /// sequences, slots re-read while a write was still landing, head publications. Exact on the hot thread.</summary>
    public ReaderCounters Counters
    {
        get
        {
            ReaderCounters sum = _retired with { Delivered = Position };
            for (int i = 0; i < _reader.LinkCount; i++)
            {
                sum = Add(sum, _reader.GetLink(i).Counters);
            }

            return sum;
        }
    }

    string IMeteredStream.Side => "subscription";

    long IMeteredStream.Messages => Position;

    long IMeteredStream.BackPressure => 0;

    long IMeteredStream.Failovers => Switches;

    long IMeteredStream.Resends => 0;

    ReadOnlySpan<long> IMeteredStream.FailuresByCause => _failuresByCause;

    /// <summary>Delivers up to <paramref name="limit"/> new messages, in order, to <paramref name="handler"/>.</summary>
    /// <typeparam name="THandler">A struct handler gets a direct call (no delegate, no allocation).</typeparam>
    /// <param name="handler">Receives each message: its payload (valid only during the call) and sequence.</param>
    /// <param name="limit">Most messages to deliver in this call.</param>
    /// <returns>Messages delivered (0 when nothing new is there).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Poll<THandler>(ref THandler handler, int limit)
        where THandler : IMessageHandler, allows ref struct
    {
        int delivered = _reader.Poll(ref handler, limit);
        if (Housekeeping.Due(ref _sinceWork, delivered))
        {
            DoWork();
        }

        return delivered;
    }

    /// <summary>Delivers every new message, in order, to <paramref name="handler"/>.</summary>
    /// <typeparam name="THandler">A struct handler gets a direct call (no delegate, no allocation).</typeparam>
    /// <param name="handler">Receives each message: its payload (valid only during the call) and sequence.</param>
    /// <returns>Messages delivered (0 when nothing new is there).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Poll<THandler>(ref THandler handler)
        where THandler : IMessageHandler, allows ref struct => Poll(ref handler, int.MaxValue);

    /// <summary>Delegate form of <see cref="Poll{THandler}(ref THandler, int)"/>.</summary>
    /// <param name="handler">Receives each message; cache the delegate to avoid allocating.</param>
    /// <param name="limit">Most messages to deliver in this call.</param>
    /// <returns>Messages delivered.</returns>
    public int Poll(MessageHandler handler, int limit)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new DelegateHandler(handler);
        return Poll(ref adapter, limit);
    }

    /// <summary>Takes up to <paramref name="limit"/> new messages in place, in order, without copying: read them through
    /// <paramref name="batch"/>, then call <see cref="ReleaseBatch"/> once. Until then their slots stay the reader's,
    /// and Poll, PollBatch and DoWork must not run (DoWork does nothing while a batch is out).</summary>
    /// <param name="limit">The most messages to take, 1 or more.</param>
    /// <param name="batch">The messages taken (none when the result is 0, and no release is due then).</param>
    /// <returns>Messages taken (0 when nothing new is there).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The limit is below 1.</exception>
    /// <exception cref="InvalidOperationException">A batch is outstanding.</exception>
    public int PollBatch(int limit, out MessageBatch batch)
    {
        int taken = _reader.PollBatch(limit, out batch);
        if (taken > 0)
        {
            _batchOutstanding = true;
        }
        else if (Housekeeping.Due(ref _sinceWork, 0))
        {
            DoWork();
        }

        return taken;
    }

    /// <summary>Consumes the messages of the batch from <see cref="PollBatch"/>: the stream's position moves past all of
    /// them with one store, and the writer may reuse their slots.</summary>
    /// <param name="batch">The batch.</param>
    /// <exception cref="InvalidOperationException">No batch is outstanding, or this is not it.</exception>
    public void ReleaseBatch(in MessageBatch batch)
    {
        _reader.ReleaseBatch(batch);
        _batchOutstanding = false;
        if (Housekeeping.Due(ref _sinceWork, batch.Count))
        {
            DoWork();
        }
    }

    /// <summary>Housekeeping: heartbeats, the writer's health, lost-write and corrupt-slot reports, the idle head, and
    /// putting newly (re-)established links in place. Call it from the hot thread's idle loop.</summary>
    /// <returns>Work done (0 when there was nothing to do).</returns>
    public int DoWork()
    {
        if (_closed || _batchOutstanding)
        {
            return 0;
        }

        // What the devices reported first: the failure is then declared with the device's word for it, not with the
        // failed post or error completion the maintenance below would meet on the same link.
        int work = _core.TakeSignals() ? DrainLinks() : 0;
        work += _reader.Maintain();

        return work;
    }

    /// <summary>Drives <see cref="DoWork"/> on the calling thread until a link is connected.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>True once connected; false on timeout.</returns>
    public bool WaitForConnection(TimeSpan timeout)
    {
        IIdleStrategy idle = _core.Fabric.Options.IdleStrategy();
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!IsConnected)
        {
            if (Stopwatch.GetTimestamp() > deadline || _closed)
            {
                return false;
            }

            idle.Idle(DoWork());
        }

        return true;
    }

    /// <summary>Closes the stream and releases every link, after acknowledging what it delivered (so a publication that
    /// closes with a flush learns it at once).</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        _reader.PublishHeadNow();
        _closed = true;
        _core.Dispose();
        _reader.Dispose();
        StackMetrics.Unregister(this);
        _core.Fabric.Remove(this, _core);
        LinkLog.Closed(_core.Fabric.Logger, "subscription", Stream, Position, Position);
    }

    /// <summary>Reports a failure of link <paramref name="link"/>'s current connection as its device would; see
    /// <see cref="Publication.RequestDeviceFailure"/>.</summary>
    internal void RequestDeviceFailure(int link, string reason)
    {
        StreamLink l = _core.Links[link];
        l.RequestFailure(l.InstalledGeneration, LinkFailureCause.AsyncEvent, reason);
    }

    int IMeteredStream.LinkStateCode(int link) =>
        !_reader.IsLinkConnected(link) || _reader.IsLinkFailed(link) ? 0 : link == _reader.ActiveLink ? 2 : 1;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int DrainLinks()
    {
        int work = 0;
        foreach (StreamLink link in _core.Links)
        {
            int i = link.Index;
            if (link.TakeFailure() is { } failure)
            {
                _reader.MarkFailed(i, failure.Cause, failure.Reason);
                work++;
            }

            if (link.TakePending() is not { } pending)
            {
                continue;
            }

            SegmentedQueueReader replaced = _reader.ReplaceLink(i, pending.Connection.Reader!);
            _retired = Add(_retired, replaced.Counters);
            ILinkConnection? previous = link.Installed(pending);
            _core.Fabric.Housekeeper.Retire(previous ?? (IDisposable)replaced);
            string description = pending.Connection.Description;
            _core.Fabric.Housekeeper.Post(() => LinkLog.Connected(_core.Fabric.Logger, "subscription", Stream, i, description));
            LinkConnected?.Invoke(this, new LinkConnected(i, pending.Generation, description));
            work++;
        }

        return work;
    }

    private void OnLinkFailed(object? sender, LinkFailure failure)
    {
        _failuresByCause[(int)failure.Cause]++;
        _core.Links[failure.Link].SetDown(true);
        StackMetrics.RecordDetection(failure, "subscription", Stream);
        _core.Fabric.Housekeeper.Post(() => LinkLog.Failed(_core.Fabric.Logger, "subscription", Stream, failure.Link, failure.Cause, failure.Reason));
        LinkFailed?.Invoke(this, failure);
    }

    private static ReaderCounters Add(ReaderCounters a, ReaderCounters b) => a with
    {
        CorruptSlots = a.CorruptSlots + b.CorruptSlots,
        SequenceErrors = a.SequenceErrors + b.SequenceErrors,
        TornReads = a.TornReads + b.TornReads,
        HeadPublications = a.HeadPublications + b.HeadPublications,
    };

    private readonly struct DelegateHandler(MessageHandler handler) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => handler(payload, sequence);
    }
}
