using System.Collections.Concurrent;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Transport;
using RdmaStack.Threading;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// The quorum replicator (US 2015/0135010): sits between clients and N identical processors running the same
/// deterministic engine, gives each client message a sequence number and a timestamp, sends it to every processor
/// over that processor's own stream, and answers the client once a quorum of processors returned byte-identical
/// responses, so that one faulty or slow processor can neither stop the service nor change an answer.
/// An agent: one thread calls <see cref="DoWork"/> (or <see cref="Run"/>).
/// </summary>
/// <remarks>
/// <para><b>Voting.</b> A sequence is decided when <see cref="QuorumOptions.EffectiveQuorum"/> voting processors
/// returned the same bytes (<see cref="QuorumReplyStatus.Agreed"/>), or as soon as that can no longer happen
/// (the largest group of identical responses plus the voters still to answer falls below the quorum), or after
/// <see cref="QuorumOptions.ResponseTimeout"/> (<see cref="QuorumReplyStatus.NoQuorum"/>, naming the sequence).
/// Each client message is answered exactly once. A response that differs from the decided answer is a dissent; one
/// that matches after the decision is late. Both are recorded per processor.</para>
/// <para><b>Ejection and return.</b> A processor is ejected after <see cref="QuorumOptions.DisagreementLimit"/>
/// dissents within <see cref="QuorumOptions.DisagreementWindow"/> sequences, when it misses its heartbeat, when it
/// lags a whole window behind, or when its state digest differs from the majority's at a checkpoint. An ejected
/// processor (or a restarted one: a dead processor's streams are closed and the next incarnation's opened) comes
/// back by state transfer: a checkpoint marker after the last sequence S goes to every active processor, each
/// reports its state digest there, a donor also sends its snapshot; if the donor's digest is the majority's, the
/// snapshot goes to the joiner, followed by the inputs after S; the joiner votes again from S+1 once the digest of
/// its restored state equals the donor's.</para>
/// <para><b>External calls.</b> A processor's engine calls out through <see cref="IExternalCalls"/>; the call goes
/// to the replicator as a request, and the replicator executes it once, when a quorum of processors asked for it
/// with identical requests, and hands every processor the same result (a call no quorum can agree on is refused
/// with <see cref="ExternalCallStatus.Failed"/>, without executing it). Each (sequence, call index) reaches the
/// service at most once. Calls run on the replicator's thread: a slow service delays every message behind it.</para>
/// <para>The replicator itself is not replicated: it holds the sequence and the window in memory, and its loss
/// stops the service.</para>
/// <para>Thread-safety: <see cref="DoWork"/>, <see cref="Run"/> and <see cref="Dispose"/> on the replicator's
/// thread; <see cref="AddClient(long)"/> from any thread; counters and <see cref="GetProcessorStatus"/> from any
/// thread (approximate there).</para>
/// </remarks>
public sealed partial class QuorumReplicator : IDisposable
{
    private static readonly TimeSpan ShutdownFlush = TimeSpan.FromMilliseconds(200);

    private readonly QuorumOptions _options;
    private readonly int _quorum;
    private readonly IExternalService[] _services;
    private readonly IQuorumObserver? _observer;
    private readonly Func<int, long, StreamPair> _openProcessor;
    private readonly Func<long, StreamPair>? _openClient;
    private readonly TimeProvider _time;
    private readonly IIdleStrategy _idle;
    private readonly ProcessorSlot[] _slots;
    private readonly LogEntry[] _log;
    private readonly ConcurrentQueue<ClientLink> _newClients = new();
    private readonly List<ClientLink> _clients = [];
    private readonly byte[] _sendBuffer;
    private readonly long _heartbeatTicks;
    private readonly long _heartbeatTimeoutTicks;
    private readonly long _responseTimeoutTicks;
    private MessageCopy _message;
    private long _now;
    private long _createdAt;
    private long _lastSequence;
    private long _lastTimestamp;
    private long _oldest = 1;
    private long _undecidedFrom = 1;
    private int _pendingAnswers;
    private bool _started;
    private bool _disposed;
    private long _sequenced;
    private long _agreed;
    private long _noQuorum;
    private long _rejected;
    private long _answered;
    private long _dissents;
    private long _late;
    private long _ejections;
    private long _admissions;
    private long _callsExecuted;
    private long _callsRefused;
    private long _transfersFailed;
    private long _repeatsDropped;
    private int _clientsDone;
    private int _clientCount;

    /// <summary>Creates a replicator over streams the caller provides (tests; see <see cref="Open"/>).</summary>
    /// <param name="options">The settings.</param>
    /// <param name="services">The external services, by index.</param>
    /// <param name="openProcessor">Opens the streams of processor i's incarnation g (called for incarnation 1 of every
    /// processor now, and for the next incarnation of a processor found dead).</param>
    /// <param name="openClient">Opens a client's streams for <see cref="AddClient(long)"/>, or null.</param>
    /// <param name="observer">Sees stamps, calls, decisions and processor events, or null.</param>
    internal QuorumReplicator(
        QuorumOptions options, IReadOnlyList<IExternalService> services, Func<int, long, StreamPair> openProcessor, Func<long, StreamPair>? openClient, IQuorumObserver? observer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(openProcessor);
        options.Validate();
        _options = options;
        _quorum = options.EffectiveQuorum;
        _services = [.. services];
        _observer = observer;
        _openProcessor = openProcessor;
        _openClient = openClient;
        _time = options.TimeProvider;
        _idle = options.IdleStrategy();
        _heartbeatTicks = Ticks(options.HeartbeatInterval);
        _heartbeatTimeoutTicks = Ticks(options.HeartbeatTimeout);
        _responseTimeoutTicks = Ticks(options.ResponseTimeout);
        _sendBuffer = new byte[options.MaxMessageLength];
        _message = new MessageCopy(options.MaxMessageLength);
        _log = new LogEntry[options.Window];
        for (int i = 0; i < _log.Length; i++)
        {
            _log[i] = new LogEntry(options);
        }

        _now = _createdAt = _time.GetTimestamp();
        int controlSlot = Math.Max(QuorumOptions.CallResultHeaderLength + options.MaxCallResponseLength, 1 + 8 + 1);
        _slots = new ProcessorSlot[options.ProcessorCount];
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new ProcessorSlot(i, options.DisagreementLimit, controlSlot, Math.Max(64, options.Window * Math.Max(1, options.MaxCallsPerInput)));
            OpenIncarnation(_slots[i], 1);
        }
    }

    /// <summary>The settings.</summary>
    public QuorumOptions Options => _options;

    /// <summary>True once the first processors were admitted and client messages are sequenced.</summary>
    public bool IsStarted => Volatile.Read(ref _started);

    /// <summary>The last sequence assigned.</summary>
    public long LastSequence => Volatile.Read(ref _lastSequence);

    /// <summary>Client messages sequenced.</summary>
    public long Sequenced => Volatile.Read(ref _sequenced);

    /// <summary>Sequences answered with a quorum's bytes.</summary>
    public long Agreed => Volatile.Read(ref _agreed);

    /// <summary>Sequences answered with <see cref="QuorumReplyStatus.NoQuorum"/>.</summary>
    public long NoQuorum => Volatile.Read(ref _noQuorum);

    /// <summary>Messages refused before sequencing (<see cref="QuorumReplyStatus.Rejected"/>).</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Decided sequences whose reply left (or whose client was gone).</summary>
    public long Answered => Volatile.Read(ref _answered);

    /// <summary>Dissenting responses and external-call requests, over every processor.</summary>
    public long Dissents => Volatile.Read(ref _dissents);

    /// <summary>Responses that matched the answer after it was decided, over every processor.</summary>
    public long LateResponses => Volatile.Read(ref _late);

    /// <summary>Ejections, over every processor.</summary>
    public long Ejections => Volatile.Read(ref _ejections);

    /// <summary>Admissions after a state transfer, over every processor (the initial admissions not counted).</summary>
    public long Readmissions => Volatile.Read(ref _admissions);

    /// <summary>External calls executed (once each).</summary>
    public long CallsExecuted => Volatile.Read(ref _callsExecuted);

    /// <summary>External calls refused because no quorum of identical requests was possible.</summary>
    public long CallsRefused => Volatile.Read(ref _callsRefused);

    /// <summary>State transfers that failed (digest mismatch, donor lost, window exhausted) and were tried again.</summary>
    public long TransfersFailed => Volatile.Read(ref _transfersFailed);

    /// <summary>Requests dropped because their client sequence was not above the client's last one.</summary>
    public long RepeatsDropped => Volatile.Read(ref _repeatsDropped);

    /// <summary>Clients added.</summary>
    public int Clients => Volatile.Read(ref _clientCount);

    /// <summary>Clients that said they are done and whose every message was answered.</summary>
    public int ClientsDone => Volatile.Read(ref _clientsDone);

    /// <summary>Processors whose votes count now.</summary>
    public int ActiveProcessors
    {
        get
        {
            int active = 0;
            foreach (ProcessorSlot slot in _slots)
            {
                active += slot.State == QuorumProcessorState.Active ? 1 : 0;
            }

            return active;
        }
    }

    /// <summary>
    /// Opens a replicator on <paramref name="fabric"/> for service <paramref name="service"/>: for each processor i
    /// a publication <c>SERVICE.pI.iG.in</c> and a subscription <c>SERVICE.pI.iG.out</c> (G the incarnation, 1 at
    /// first, the next one after the processor is found dead). Add clients with <see cref="AddClient(long)"/>.
    /// </summary>
    /// <param name="fabric">The fabric (its slot payload must hold <see cref="QuorumOptions.MaxMessageLength"/>).</param>
    /// <param name="service">The service's name: the prefix of its streams.</param>
    /// <param name="options">The settings.</param>
    /// <param name="services">The external services the processors' engines call, by index.</param>
    /// <param name="observer">Sees stamps, calls, decisions and processor events, or null.</param>
    /// <returns>The replicator; run it on one thread.</returns>
    /// <exception cref="ArgumentException">The options are out of range, or the fabric's slots are too small.</exception>
    public static QuorumReplicator Open(Fabric fabric, string service, QuorumOptions options, IReadOnlyList<IExternalService> services, IQuorumObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        CheckSlots(fabric, options);
        return new QuorumReplicator(
            options,
            services,
            (index, incarnation) => StreamPair.Open(fabric, QuorumStreamNames.ToProcessor(service, index, incarnation), QuorumStreamNames.FromProcessor(service, index, incarnation)),
            clientId => StreamPair.Open(fabric, QuorumStreamNames.Replies(service, clientId), QuorumStreamNames.Requests(service, clientId)),
            observer);
    }

    /// <summary>Opens the streams of client <paramref name="clientId"/> (<c>SERVICE.cID.req</c> in,
    /// <c>SERVICE.cID.rep</c> out) and serves it. From any thread.</summary>
    /// <param name="clientId">The client's id: its requests must carry it.</param>
    /// <exception cref="InvalidOperationException">The replicator was not made by <see cref="Open"/>.</exception>
    public void AddClient(long clientId)
    {
        if (_openClient is null)
        {
            throw new InvalidOperationException("This replicator has no fabric to open client streams on: make it with QuorumReplicator.Open.");
        }

        AddClient(clientId, _openClient(clientId));
    }

    /// <summary>Serves a client over <paramref name="streams"/> (from any thread).</summary>
    internal void AddClient(long clientId, StreamPair streams)
    {
        Interlocked.Increment(ref _clientCount);
        _newClients.Enqueue(new ClientLink(clientId, streams));
    }

    /// <summary>The state and counters of processor <paramref name="index"/>.</summary>
    /// <param name="index">0 to N-1.</param>
    /// <returns>A snapshot (approximate off the replicator's thread).</returns>
    public QuorumProcessorStatus GetProcessorStatus(int index)
    {
        ProcessorSlot slot = _slots[index];
        return new QuorumProcessorStatus(index, slot.Incarnation, slot.State, slot.Responses, slot.Late, slot.Dissents, slot.Ejections, slot.Admissions);
    }

    /// <summary>Does one pass of the replicator's work; returns the work done (0: idle).</summary>
    /// <returns>Items of work done.</returns>
    public int DoWork()
    {
        _now = _time.GetTimestamp();
        int work = AcceptClients();
        foreach (ProcessorSlot slot in _slots)
        {
            work += PollProcessor(slot);
        }

        CheckLiveness();
        if (!_started)
        {
            TryStart();
        }

        work += AdvanceTransfer();
        work += PollClients();
        foreach (ProcessorSlot slot in _slots)
        {
            work += SendTo(slot);
        }

        if (_pendingAnswers > 0)
        {
            work += RetryAnswers();
        }

        work += CheckTimeouts();
        work += Recycle();
        return work;
    }

    /// <summary>Calls <see cref="DoWork"/> until <paramref name="cancellation"/> is signalled, idling by the options'
    /// idle strategy.</summary>
    /// <param name="cancellation">Stops the loop.</param>
    public void Run(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            _idle.Idle(DoWork());
        }
    }

    /// <summary>Tells every processor to stop, then closes every stream the replicator opened (on its thread).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Span<byte> shutdown = [(byte)QuorumMessageType.Shutdown];
        foreach (ProcessorSlot slot in _slots)
        {
            if (slot.Streams is { } streams)
            {
                streams.Out.Offer(shutdown);
                streams.Close(ShutdownFlush);
                slot.Streams = null;
            }
        }

        foreach (ClientLink client in _clients)
        {
            client.Streams.Close(ShutdownFlush);
        }

        while (_newClients.TryDequeue(out ClientLink? client))
        {
            client.Streams.Dispose();
        }
    }

    /// <summary>The replicator's state in a few lines, for a failure message (approximate off its thread).</summary>
    internal string Describe()
    {
        var text = new System.Text.StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"last {_lastSequence}, oldest {_oldest}, undecided from {_undecidedFrom}, pending answers {_pendingAnswers}, transfer {(_transfer is { } t ? $"{t.Donor.Index}->{t.Joiner.Index} at {t.Sequence} complete {t.SnapshotComplete} relayed {t.Relayed} reporters {t.Reporters}" : "none")}");
        foreach (ProcessorSlot slot in _slots)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"; p{slot.Index}.{slot.Incarnation} {slot.State} votes from {slot.VotesFrom} expects {slot.ExpectedResponse} next send {slot.NextSend} control {slot.Control.Count} marker {slot.MarkerAt} relaying {slot.Relaying}");
        }

        if (_undecidedFrom <= _lastSequence)
        {
            LogEntry entry = Entry(_undecidedFrom);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"; entry {entry.Sequence} decided {entry.Decided} responded");
            foreach (ProcessorSlot slot in _slots)
            {
                text.Append(entry.HasResponded(slot.Index) ? $" p{slot.Index}" : string.Empty);
            }

            for (int i = 0; i < entry.Calls.Length; i++)
            {
                CallVote call = entry.Calls[i];
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $" call{i} resolved {call.Resolved} asked");
                foreach (ProcessorSlot slot in _slots)
                {
                    text.Append(call.HasAsked(slot.Index) ? $" p{slot.Index}" : string.Empty);
                }
            }
        }

        return text.ToString();
    }

    internal static void CheckSlots(Fabric fabric, QuorumOptions options)
    {
        int payload = fabric.Options.Geometry.SlotPayloadCapacity;
        if (payload < options.MaxMessageLength)
        {
            throw new ArgumentException(
                $"The fabric's slots hold {payload} bytes; QuorumOptions.MaxMessageLength is {options.MaxMessageLength}: give the geometry a slot payload of at least that.", nameof(fabric));
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private LogEntry Entry(long sequence) => _log[(int)(sequence % _log.Length)];

    private void Observe(QuorumProcessorEvent processorEvent) => _observer?.OnProcessorEvent(processorEvent);

    private static void Increment(ref long counter) => Volatile.Write(ref counter, counter + 1);
}
