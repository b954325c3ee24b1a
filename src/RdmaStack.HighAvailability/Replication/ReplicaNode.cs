using System.Collections.Concurrent;
using System.Diagnostics;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Journal;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Transport;
using RdmaStack.HighAvailability.Verification;
using RdmaStack.Threading;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>
/// One replica of a primary/backup pair: the session manager, the dispatcher, the external-call library, the
/// mirrored transaction records, the verification engine and the failover logic around a deterministic
/// engine. An agent: one thread calls <see cref="DoWork"/> (or <see cref="Run"/>).
/// </summary>
/// <remarks>
/// <para><b>Primary.</b> Takes each client request, drops repeats by client id and client sequence (answering
/// them from the session's held reply), stamps a new one with the next sequence and the time, replicates the
/// stamped input to the backup, and only then hands it to the engine. External calls go out through the
/// library (see <see cref="IExternalCalls"/>). The output becomes the input's record; the reply is released to
/// the client only once the backup acknowledged that record (<c>RecordAck</c>, per record). A flusher thread
/// journals the records.</para>
/// <para><b>Backup.</b> Joins by state transfer, then applies every stamped input as it arrives, with the
/// external-call results the primary replicated, acknowledges each record, and compares its outputs and
/// periodic state digests with the primary's (<see cref="Verification"/>). When nothing arrived from the
/// primary for <see cref="ReplicaOptions.PromotionTimeout"/>, it applies everything it received and becomes
/// the primary; clients resend what was unanswered and the records answer what was processed.</para>
/// <para>If the backup goes silent the primary goes on alone (replies are then released without a mirror) and
/// takes it back by state transfer when it returns.</para>
/// <para>Thread-safety: <see cref="DoWork"/>, <see cref="Run"/> and <see cref="Dispose"/> on the replica's own
/// thread; connections are handed over from any thread; the counters may be read from any thread;
/// <see cref="ComputeStateDigest"/> and <see cref="TryGetCheckpointDigest"/> only while the replica's thread
/// is stopped.</para>
/// </remarks>
public sealed partial class ReplicaNode : IDisposable, IJournalVisitor
{
    private const ulong OutputDigestSeed = 0x0u;

    /// <summary>How often the hot thread lets every stream it owns do its housekeeping, waiting or not: well inside
    /// the transport's heartbeat interval, so a stream it is not using at the moment stays alive.</summary>
    private static readonly long s_keepAliveTicks = Stopwatch.Frequency / 10_000;

    private readonly ReplicaOptions _options;
    private readonly IDeterministicEngine _engine;
    private readonly IExternalService[] _services;
    private readonly TimeProvider _time;
    private readonly IIdleStrategy _idle;
    private readonly IIdleStrategy _waitIdle;
    private readonly SessionTable _sessions;
    private readonly ExternalCallLibrary _calls;
    private readonly VerificationEngine _verifier = new();
    private readonly CheckpointLog _checkpoints;
    private readonly TransactionJournal? _journal;
    private readonly ConcurrentQueue<ClientConnection> _newClients = new();
    private readonly List<ClientConnection> _clients = [];
    private readonly Queue<PendingReply> _pendingReplies = new();
    private readonly byte[] _inputBuffer;
    private readonly byte[] _outputBuffer;
    private readonly byte[] _sendBuffer;
    private readonly byte[] _replyBuffer;
    private MessageCopy _peerMessage;
    private MessageCopy _clientMessage;
    private PeerLink? _newPeer;
    private PeerLink? _peer;
    private volatile ReplicaRole _role;
    private long _lastSequence;
    private long _lastTimestamp;
    private long _lastHeardFromPeer;
    private long _peerReadEmptyAt;
    private long _lastSentToPeer;
    private long _inputsProcessed;
    private long _repeatsAnswered;
    private long _callsMade;
    private long _callsRecovered;
    private long _promotions;
    private long _promotedAt;
    private long _backupLosses;
    private long _term;
    private bool _announcePending;
    private long _keptAliveAt;
    private ServerBinding? _binding;
    private bool _disposed;

    /// <summary>Creates a replica around <paramref name="engine"/>, replaying its journal if it has one.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="engine">The deterministic engine (a fresh, empty instance).</param>
    /// <param name="services">The external services, by index (the backup's are never called).</param>
    internal ReplicaNode(ReplicaOptions options, IDeterministicEngine engine, IReadOnlyList<IExternalService> services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(services);
        options.Validate();
        _options = options;
        _engine = engine;
        _services = [.. services];
        _time = options.TimeProvider;
        _idle = options.IdleStrategy();
        _waitIdle = options.IdleStrategy();
        _role = options.InitialRole;
        _sessions = new SessionTable(options.SessionWindow, options.MaxOutputLength);
        _calls = new ExternalCallLibrary(this, options.MaxCallResponseLength);
        _checkpoints = new CheckpointLog(options.CheckpointInterval);
        _inputBuffer = new byte[options.MaxMessageLength];
        _outputBuffer = new byte[options.MaxOutputLength];
        _sendBuffer = new byte[options.MaxMessageLength];
        _replyBuffer = new byte[options.MaxMessageLength];
        _peerMessage = new MessageCopy(options.MaxMessageLength);
        _clientMessage = new MessageCopy(options.MaxMessageLength);
        ResetPeerSilence();
        if (options.JournalPath is not null)
        {
            _journal = TransactionJournal.Open(
                options.JournalPath, this, options.RecordBufferBytes, options.FlushInterval, options.FlushRecords, _time, out JournalReplayResult replay);
            _calls.EndReplay();
            LastReplay = replay;
            _journal.Start();
        }

        if (_role == ReplicaRole.Primary)
        {
            _term++; // a new primary's term: one past the journal's
            _announcePending = true;
        }

        if (options.PrepareCode)
        {
            (MethodsPrepared, CodePreparationTime) = CodePreparation.Prepare(engine, services);
        }
    }

    /// <summary>Methods compiled when the replica was created (<see cref="ReplicaOptions.PrepareCode"/>; the library's
    /// own once per process).</summary>
    public int MethodsPrepared { get; }

    /// <summary>How long creating the replica spent compiling them.</summary>
    public TimeSpan CodePreparationTime { get; }

    /// <summary>The role the library holds now (a backup becomes the primary on promotion).</summary>
    public ReplicaRole Role => _role;

    /// <summary>The sequence of the last input the engine processed here.</summary>
    public long LastSequence => Volatile.Read(ref _lastSequence);

    /// <summary>Primary: a backup has joined and is alive, so replies wait for its acknowledgements.</summary>
    public bool IsMirrored => _mirrored;

    /// <summary>Backup: the state transfer from the primary is done and inputs are being applied.</summary>
    public bool IsJoined => _joined;

    /// <summary>The backup's verification engine (digests compared with the primary's).</summary>
    public VerificationEngine Verification => _verifier;

    /// <summary>The first divergence from the primary this backup found, or null.</summary>
    public Divergence? Divergence => _verifier.FirstDivergence;

    /// <summary>What the journal replay found when the replica started (null without a journal).</summary>
    public JournalReplayResult? LastReplay { get; }

    /// <summary>The sequence of the last record on disk (0 without a journal).</summary>
    public long DurableSequence => _journal?.DurableSequence ?? 0;

    /// <summary>Inputs the engine processed here (replayed ones included).</summary>
    public long InputsProcessed => Volatile.Read(ref _inputsProcessed);

    /// <summary>Repeated requests answered from their record instead of processed again.</summary>
    public long RepeatsAnswered => Volatile.Read(ref _repeatsAnswered);

    /// <summary>External calls this replica made (as the primary).</summary>
    public long ExternalCallsMade => Volatile.Read(ref _callsMade);

    /// <summary>External calls whose outcome this replica asked the service for after a promotion.</summary>
    public long ExternalCallsRecovered => Volatile.Read(ref _callsRecovered);

    /// <summary>Times this replica became the primary by promotion.</summary>
    public long Promotions => Volatile.Read(ref _promotions);

    /// <summary>The <see cref="ReplicaOptions.TimeProvider"/> timestamp of the last promotion (0: none).</summary>
    public long PromotedAt => Volatile.Read(ref _promotedAt);

    /// <summary>Times this replica, as the primary, learnt that its backup had taken over and stepped down.</summary>
    public long StepDowns => Volatile.Read(ref _stepDowns);

    /// <summary>Times the primary lost its backup and went on alone.</summary>
    public long BackupLosses => Volatile.Read(ref _backupLosses);

    /// <summary>State transfers this replica sent as the primary.</summary>
    public long SnapshotsSent => Volatile.Read(ref _snapshotsSent);

    /// <summary>The primary term this replica knows: 1 for the first primary, one more at each promotion. A primary
    /// announces its term to every client, which follows the highest it has seen.</summary>
    public long Term => Volatile.Read(ref _term);

    /// <summary>Streams the hot thread let go of (a reconnected peer or client): the owner disposes them.</summary>
    internal ConcurrentQueue<object> RetiredStreams { get; } = new();

    /// <summary>A test seam: called at the moments named by <see cref="ReplicaHookPoint"/> with the sequence.</summary>
    internal Action<ReplicaHookPoint, long>? Hook { get; set; }

    /// <summary>Hands this replica the streams to the other replica (from any thread); a previous pair is dropped.</summary>
    internal void ConnectPeer(IMessageStreamOut toPeer, IMessageStreamIn fromPeer) =>
        Volatile.Write(ref _newPeer, new PeerLink(toPeer, fromPeer));

    /// <summary>Hands this replica a client's streams (from any thread).</summary>
    /// <returns>The connection; setting its <see cref="ClientConnection.Retired"/> drops it again (its streams then
    /// come back through <see cref="RetiredStreams"/>).</returns>
    internal ClientConnection AddClient(IMessageStreamIn requests, IMessageStreamOut replies)
    {
        var connection = new ClientConnection(requests, replies);
        _newClients.Enqueue(connection);
        return connection;
    }

    /// <summary>Does one pass of the replica's work; returns the work done (0: idle).</summary>
    /// <returns>Items of work done.</returns>
    public int DoWork()
    {
        KeepStreamsAlive();
        int work = AcceptConnections();
        return work + (_role == ReplicaRole.Primary ? PrimaryWork() : BackupWork());
    }

    /// <summary>Calls <see cref="DoWork"/> until <paramref name="cancellation"/> is signalled, idling by the
    /// options' idle strategy.</summary>
    /// <param name="cancellation">Stops the loop.</param>
    public void Run(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            _idle.Idle(DoWork());
        }
    }

    /// <summary>The engine's state digest now (only while the replica's thread is stopped).</summary>
    /// <returns>The digest.</returns>
    public ulong ComputeStateDigest() => _engine.ComputeStateDigest();

    /// <summary>The state digest recorded at checkpoint <paramref name="sequence"/> (a multiple of the interval),
    /// if it is among the last 4096 (only while the replica's thread is stopped).</summary>
    /// <param name="sequence">The checkpoint's sequence.</param>
    /// <param name="digest">The digest.</param>
    /// <returns>True if it is held.</returns>
    public bool TryGetCheckpointDigest(long sequence, out ulong digest) => _checkpoints.TryGet(sequence, out digest);

    /// <summary>Flushes and closes the journal; a replica made by <see cref="Create"/> also closes its streams and
    /// leaves the service's membership (others made by their owner belong to it). Call it on the replica's thread, or
    /// after that thread stopped.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _binding?.Dispose();
            _journal?.Dispose();
        }
    }

    /// <summary>Stops as a crash would: the journal's unflushed records are lost (tests).</summary>
    internal void Crash()
    {
        if (!_disposed)
        {
            _disposed = true;
            _binding?.Dispose();
            _journal?.Abandon();
        }
    }

    /// <summary>The timestamp clock's ticks since <paramref name="timestamp"/>.</summary>
    private bool Elapsed(long timestamp, TimeSpan bound) => _time.GetElapsedTime(timestamp) >= bound;

    /// <summary>
    /// Whether the other replica said nothing for <paramref name="bound"/>, counted from its last message to the last
    /// read of its stream that found nothing, not to now: a replica descheduled between reading and checking (a
    /// loaded host) must not take its own sleep for the other's silence, when the other's messages wait unread.
    /// </summary>
    private bool PeerSilentFor(TimeSpan bound) => _time.GetElapsedTime(_lastHeardFromPeer, _peerReadEmptyAt) >= bound;

    /// <summary>A new peer, a new role: the other replica's silence counts from now.</summary>
    private void ResetPeerSilence()
    {
        _lastHeardFromPeer = _time.GetTimestamp();
        _peerReadEmptyAt = _lastHeardFromPeer;
    }

    private int AcceptConnections()
    {
        int work = 0;
        while (_newClients.TryDequeue(out ClientConnection? client))
        {
            _clients.Add(client);
            _announcePending = true;
            work++;
        }

        PeerLink? peer = Interlocked.Exchange(ref _newPeer, null);
        if (peer is not null)
        {
            if (_role == ReplicaRole.Backup && _joined && !_diverged && _peer is not null)
            {
                // The other replica came back as a new process: the primary this backup followed is dead. Apply
                // what it sent, take over, and let the newcomer join this replica.
                Promote();
            }

            Retire(_peer);
            _peer = peer;
            ResetPeerSilence();
            if (_role == ReplicaRole.Primary)
            {
                if (_mirrored)
                {
                    LoseBackup();
                }
            }
            else
            {
                _joined = false;
                _joinSentAt = 0;
            }

            work++;
        }

        return work;
    }

    private void Retire(PeerLink? link)
    {
        if (link is not null)
        {
            RetiredStreams.Enqueue(link.Out);
            RetiredStreams.Enqueue(link.In);
        }
    }

    /// <summary>
    /// The transport's rule for a thread that owns several streams: every one of them does its housekeeping (its
    /// heartbeats above all) while the thread waits on another. Called on every pass and in every wait, at most every
    /// 100 us; its work is not counted as the replica's, so an idle replica still backs off.
    /// </summary>
    private void KeepStreamsAlive()
    {
        long now = Stopwatch.GetTimestamp();
        if (now - _keptAliveAt < s_keepAliveTicks)
        {
            return;
        }

        _keptAliveAt = now;
        if (_peer is not null)
        {
            _peer.Out.DoWork();
            _peer.In.DoWork();
        }

        for (int i = 0; i < _clients.Count; i++)
        {
            _clients[i].Requests.DoWork();
            _clients[i].Replies.DoWork();
        }
    }

    /// <summary>
    /// Processes one stamped input: the engine, the session's reply, the checkpoint, the transaction record.
    /// Returns false when the backup diverged during it, or abandoned it because the primary dropped it (nothing is
    /// recorded then).
    /// </summary>
    private bool Apply(StampedInput input, bool record, out ulong outputDigest, out int callCount, out ulong? stateDigest)
    {
        _calls.Begin(input.Sequence);
        int length = _engine.Process(input, _calls, _outputBuffer);
        if ((uint)length > (uint)_outputBuffer.Length)
        {
            ThrowHelper.ThrowOutputTooLarge(length, _outputBuffer.Length);
        }

        _unresolvedIntent = null;
        callCount = _calls.CallCount;
        stateDigest = null;
        outputDigest = 0;
        if (_diverged || _abandoned)
        {
            _abandoned = false;
            return false;
        }

        ReadOnlySpan<byte> output = _outputBuffer.AsSpan(0, length);
        _sessions.GetOrAdd(input.ClientId).Store(input.ClientSequence, input.Sequence, output);
        Volatile.Write(ref _lastSequence, input.Sequence);
        _lastTimestamp = input.Timestamp;
        if (input.Sequence % _options.CheckpointInterval == 0)
        {
            stateDigest = _engine.ComputeStateDigest();
            _checkpoints.Record(input.Sequence, stateDigest.Value);
        }

        if (record && _journal is not null)
        {
            AppendRecord(_journal.Log, input, output);
        }

        Volatile.Write(ref _inputsProcessed, _inputsProcessed + 1);
        outputDigest = DigestBuilder.Of(output, OutputDigestSeed);
        return true;
    }

    private void AppendRecord(RecordLog log, StampedInput input, ReadOnlySpan<byte> output)
    {
        int bodyLength = JournalTransaction.BodyLength(input.Payload.Length, _calls.EncodedResults.Length, output.Length);
        Span<byte> body;
        _waitIdle.Reset();
        while (!log.TryClaim(bodyLength, out body))
        {
            KeepStreamsAlive();
            _waitIdle.Idle(0); // the flusher frees room as it writes
        }

        JournalTransaction.Write(body, input, _calls.CallCount, _calls.EncodedResults, output);
        log.Commit(bodyLength, input.Sequence);
    }
}
