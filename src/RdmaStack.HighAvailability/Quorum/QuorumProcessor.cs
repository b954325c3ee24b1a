using System.Buffers;
using System.Buffers.Binary;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Transport;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// One of the N processors of a quorum-replicated service: runs a deterministic engine over the inputs the
/// replicator sequences, in order, and returns each output to the replicator, which votes. The same
/// <see cref="IDeterministicEngine"/> as the primary/backup layer's, so a service runs under either.
/// An agent: one thread calls <see cref="DoWork"/> (or <see cref="Run"/>).
/// </summary>
/// <remarks>
/// <para>External calls go to the replicator, which executes each once when a quorum of processors asked for it
/// with identical requests and hands every processor the same result; while it waits, the processor reads ahead
/// and keeps what arrives in order. At a checkpoint it reports its state digest (and, as a donor, sends its
/// snapshot); a snapshot sent to it replaces its state (the input in progress, if any, is abandoned: its engine
/// sees an exception from the call it was waiting in) and it reports the digest of the restored state.</para>
/// <para>It stops when the replicator sends shutdown or is silent for <see cref="QuorumOptions.ReplicatorTimeout"/>
/// (for <see cref="QuorumOptions.StartTimeout"/> before its first message).
/// A stream that breaks the protocol throws <see cref="InvalidDataException"/> out of <see cref="DoWork"/>: a
/// processor fails by stopping, and the replicator ejects it when its heartbeats stop.</para>
/// <para>Thread-safety: <see cref="DoWork"/>, <see cref="Run"/> and <see cref="Dispose"/> on the processor's thread;
/// counters from any thread; <see cref="ComputeStateDigest"/> only while the thread is stopped.</para>
/// </remarks>
public sealed class QuorumProcessor : IDisposable
{
    private readonly int _index;
    private readonly long _incarnation;
    private readonly IDeterministicEngine _engine;
    private readonly QuorumOptions _options;
    private readonly StreamPair _streams;
    private readonly TimeProvider _time;
    private readonly IIdleStrategy _idle;
    private readonly IIdleStrategy _waitIdle;
    private readonly QuorumCalls _calls;
    private readonly MessageRing _backlog;
    private readonly MessageRing _results;
    private readonly byte[] _output;
    private readonly byte[] _sendBuffer;
    private readonly long _heartbeatTicks;
    private readonly long _replicatorTimeoutTicks;
    private readonly long _startTimeoutTicks;
    private MessageCopy _current;
    private MessageCopy _readAhead;
    private long _lastSequence;
    private long _lastHeard;
    private bool _heardFromReplicator;
    private long _lastSent;
    private bool _helloSent;
    private volatile bool _stopped;
    private CancellationToken _cancellation;
    private byte[]? _snapshot;
    private long _snapshotSequence;
    private int _snapshotReceived;
    private long _processed;
    private long _restores;
    private long _snapshotsSent;
    private long _callsMade;

    /// <summary>Creates processor <paramref name="index"/>, incarnation <paramref name="incarnation"/>, over streams the
    /// caller provides (tests; see <see cref="Open"/>).</summary>
    internal QuorumProcessor(int index, long incarnation, IDeterministicEngine engine, StreamPair streams, QuorumOptions options)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, options.ProcessorCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(incarnation, 1);
        _index = index;
        _incarnation = incarnation;
        _engine = engine;
        _options = options;
        _streams = streams;
        _time = options.TimeProvider;
        _idle = options.IdleStrategy();
        _waitIdle = options.IdleStrategy();
        _calls = new QuorumCalls(this, options.MaxCallResponseLength);
        _backlog = new MessageRing(options.MaxMessageLength, options.Window + 16);
        _results = new MessageRing(QuorumOptions.CallResultHeaderLength + options.MaxCallResponseLength, (options.Window * Math.Max(1, options.MaxCallsPerInput)) + 16);
        _output = new byte[options.MaxResponseLength];
        _sendBuffer = new byte[options.MaxMessageLength];
        _current = new MessageCopy(options.MaxMessageLength);
        _readAhead = new MessageCopy(options.MaxMessageLength);
        _heartbeatTicks = (long)(options.HeartbeatInterval.TotalSeconds * _time.TimestampFrequency);
        _replicatorTimeoutTicks = (long)(options.ReplicatorTimeout.TotalSeconds * _time.TimestampFrequency);
        _startTimeoutTicks = (long)(options.StartTimeout.TotalSeconds * _time.TimestampFrequency);
        _lastHeard = _lastSent = _time.GetTimestamp();
    }

    /// <summary>The processor's index (0 to N-1).</summary>
    public int Index => _index;

    /// <summary>Which start of the processor this is (1 for the first; a restart takes the next).</summary>
    public long Incarnation => _incarnation;

    /// <summary>The sequence of the last input processed (or restored from a snapshot).</summary>
    public long LastSequence => Volatile.Read(ref _lastSequence);

    /// <summary>Inputs the engine processed here.</summary>
    public long InputsProcessed => Volatile.Read(ref _processed);

    /// <summary>Snapshots installed (state transfers to this processor).</summary>
    public long SnapshotsRestored => Volatile.Read(ref _restores);

    /// <summary>Snapshots sent as the donor of a state transfer.</summary>
    public long SnapshotsSent => Volatile.Read(ref _snapshotsSent);

    /// <summary>External calls this processor's engine made (each answered by the replicator).</summary>
    public long ExternalCalls => Volatile.Read(ref _callsMade);

    /// <summary>True once the replicator said shutdown, or went silent for <see cref="QuorumOptions.ReplicatorTimeout"/>.</summary>
    public bool IsStopped => _stopped;

    /// <summary>Why it stopped (null while it runs).</summary>
    public string? StopReason { get; private set; }

    /// <summary>
    /// Opens processor <paramref name="index"/>, incarnation <paramref name="incarnation"/>, of service
    /// <paramref name="service"/> on <paramref name="fabric"/> (a subscription <c>SERVICE.pI.iG.in</c> and a
    /// publication <c>SERVICE.pI.iG.out</c>). A restarted processor takes the next incarnation: the replicator opens
    /// those streams once it found the previous incarnation dead.
    /// </summary>
    /// <param name="fabric">The fabric (its slot payload must hold <see cref="QuorumOptions.MaxMessageLength"/>).</param>
    /// <param name="service">The service's name, as the replicator was given it.</param>
    /// <param name="index">The processor's index, 0 to N-1.</param>
    /// <param name="incarnation">1 for a first start; each restart of the same index takes the next.</param>
    /// <param name="engine">A fresh engine.</param>
    /// <param name="options">The settings (the replicator's).</param>
    /// <returns>The processor; run it on one thread.</returns>
    public static QuorumProcessor Open(Fabric fabric, string service, int index, long incarnation, IDeterministicEngine engine, QuorumOptions options)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        QuorumReplicator.CheckSlots(fabric, options);
        StreamPair streams = StreamPair.Open(fabric, QuorumStreamNames.FromProcessor(service, index, incarnation), QuorumStreamNames.ToProcessor(service, index, incarnation));
        try
        {
            return new QuorumProcessor(index, incarnation, engine, streams, options);
        }
        catch
        {
            streams.Dispose();
            throw;
        }
    }

    /// <summary>True while both streams to the replicator have a link.</summary>
    public bool IsConnected => _streams.IsConnected;

    /// <summary>Does one pass of the processor's work: the inputs in order, checkpoints, snapshots; returns the work
    /// done (0: idle).</summary>
    /// <returns>Items of work done.</returns>
    /// <exception cref="InvalidDataException">The replicator's stream broke the protocol (the processor must stop).</exception>
    public int DoWork()
    {
        if (_stopped)
        {
            return 0;
        }

        long now = _time.GetTimestamp();
        int work = _streams.DoWork() > 0 ? 1 : 0;
        if (!_helloSent && _streams.IsConnected)
        {
            SendHello(); // once both directions are up: the replicator admits a processor it can reach
        }

        for (int n = 0; n < 64 && !_stopped; n++)
        {
            if (_backlog.TryPeek(out ReadOnlySpan<byte> held))
            {
                _current.OnMessage(held, 0);
                _backlog.Dequeue();
            }
            else if (_streams.In.Poll(ref _current, 1) == 0)
            {
                break;
            }
            else
            {
                _lastHeard = now = _time.GetTimestamp();
                _heardFromReplicator = true;
            }

            try
            {
                Handle(_current.Message);
            }
            catch (InputAbandonedException)
            {
                // stopped while sending: the loop ends below
            }

            work++;
        }

        if (work == 0)
        {
            HeartbeatIfDue(now);
            CheckReplicator(now);
        }

        return work;
    }

    /// <summary>Calls <see cref="DoWork"/> until <paramref name="cancellation"/> is signalled or the processor stops (an
    /// input waiting for an external call, or a send waiting for room, is abandoned on cancellation).</summary>
    /// <param name="cancellation">Stops the loop.</param>
    public void Run(CancellationToken cancellation)
    {
        _cancellation = cancellation;
        while (!cancellation.IsCancellationRequested && !_stopped)
        {
            _idle.Idle(DoWork());
        }
    }

    /// <summary>The engine's state digest now (only while the processor's thread is stopped).</summary>
    /// <returns>The digest.</returns>
    public ulong ComputeStateDigest() => _engine.ComputeStateDigest();

    /// <summary>Closes the streams (on the processor's thread).</summary>
    public void Dispose()
    {
        _stopped = true;
        StopReason ??= "disposed";
        _streams.Close(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>
    /// Performs external call <paramref name="key"/> for the engine: the request goes to the replicator; the result
    /// comes back when a quorum asked the same (or the call is refused). Meanwhile what else arrives is held in order.
    /// </summary>
    internal ExternalCallResult PerformCall(ExternalCallKey key, int service, ReadOnlySpan<byte> request, Span<byte> response)
    {
        var writer = new WireWriter(_sendBuffer);
        writer.Byte((byte)QuorumMessageType.CallRequest);
        writer.Int64(key.Sequence);
        writer.Int32(key.CallIndex);
        writer.Int32(service);
        writer.Bytes(request);
        Send(writer.Written);
        Volatile.Write(ref _callsMade, _callsMade + 1);
        _waitIdle.Reset();
        while (true)
        {
            if (TakeHeldResult(key, response, out ExternalCallResult held))
            {
                return held;
            }

            long now = _time.GetTimestamp();
            if (_streams.In.Poll(ref _readAhead, 1) > 0)
            {
                _lastHeard = now;
                _heardFromReplicator = true;
                if (ReadAhead(key, _readAhead.Message, response, out ExternalCallResult result))
                {
                    return result;
                }

                _waitIdle.Reset();
                continue;
            }

            HeartbeatIfDue(now);
            CheckReplicator(now);
            if (_stopped)
            {
                throw new InputAbandonedException("the replicator stopped");
            }

            _waitIdle.Idle(_streams.DoWork());
        }
    }

    /// <summary>One message read while waiting for <paramref name="key"/>'s result: the result itself, another result
    /// (held), a snapshot (the input is abandoned), or an ordered message (held for after the input).</summary>
    private bool ReadAhead(ExternalCallKey key, ReadOnlySpan<byte> message, Span<byte> response, out ExternalCallResult result)
    {
        result = default;
        switch ((QuorumMessageType)message[0])
        {
            case QuorumMessageType.CallResult:
                var reader = new WireReader(message[1..]);
                long sequence = reader.Int64();
                int index = reader.Int32();
                if (sequence == key.Sequence && index == key.CallIndex)
                {
                    result = ReadResult(message, response);
                    return true;
                }

                bool ahead = sequence > key.Sequence || (sequence == key.Sequence && index > key.CallIndex);
                if (ahead && !_results.TryEnqueue(message))
                {
                    QuorumThrowHelper.ThrowProtocol(_index, "more external-call results ahead of the input in progress than the window allows");
                }

                return false;
            case QuorumMessageType.SnapshotBegin:
                _backlog.Clear();
                Handle(message);
                throw new InputAbandonedException("a state transfer replaces the processor's state");
            case QuorumMessageType.Shutdown:
                Handle(message);
                throw new InputAbandonedException("the replicator shut down");
            case QuorumMessageType.Heartbeat:
                return false;
            default:
                if (!_backlog.TryEnqueue(message))
                {
                    QuorumThrowHelper.ThrowProtocol(_index, "more messages ahead of the input in progress than the window allows");
                }

                return false;
        }
    }

    /// <summary>Results held for inputs already done are never asked for (an engine that made fewer calls than the
    /// quorum): they go.</summary>
    private void DropResultsBefore(long sequence)
    {
        while (_results.TryPeek(out ReadOnlySpan<byte> message) && BinaryPrimitives.ReadInt64LittleEndian(message[1..]) < sequence)
        {
            _results.Dequeue();
        }
    }

    private bool TakeHeldResult(ExternalCallKey key, Span<byte> response, out ExternalCallResult result)
    {
        for (int i = 0; i < _results.Count; i++)
        {
            ReadOnlySpan<byte> message = _results[i];
            if (message.IsEmpty)
            {
                continue;
            }

            var reader = new WireReader(message[1..]);
            if (reader.Int64() == key.Sequence && reader.Int32() == key.CallIndex)
            {
                result = ReadResult(message, response);
                _results.Take(i);
                return true;
            }
        }

        result = default;
        return false;
    }

    private ExternalCallResult ReadResult(ReadOnlySpan<byte> message, Span<byte> response)
    {
        var reader = new WireReader(message[1..]);
        _ = reader.Int64();
        _ = reader.Int32();
        var status = (ExternalCallStatus)reader.Byte();
        ReadOnlySpan<byte> bytes = reader.Rest();
        if (bytes.Length > response.Length)
        {
            QuorumThrowHelper.ThrowProtocol(_index, $"an external-call result of {bytes.Length} bytes for a response span of {response.Length}");
        }

        bytes.CopyTo(response);
        return new ExternalCallResult(status, bytes.Length);
    }

    private void Handle(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            QuorumThrowHelper.ThrowProtocol(_index, "an empty message");
        }

        var reader = new WireReader(message[1..]);
        switch ((QuorumMessageType)message[0])
        {
            case QuorumMessageType.Input when message.Length >= QuorumOptions.InputHeaderLength:
                long sequence = reader.Int64();
                long timestamp = reader.Int64();
                long clientId = reader.Int64();
                long clientSequence = reader.Int64();
                Process(new StampedInput(sequence, timestamp, clientId, clientSequence, reader.Rest()));
                break;
            case QuorumMessageType.CallResult:
                break; // a result for an input already done (or abandoned): nothing waits for it
            case QuorumMessageType.Checkpoint when message.Length >= 10:
                Checkpoint(reader.Int64(), reader.Byte() != 0);
                break;
            case QuorumMessageType.SnapshotBegin when message.Length >= 21:
                BeginSnapshot(reader.Int64(), reader.Int32());
                break;
            case QuorumMessageType.SnapshotChunk when message.Length >= 5:
                SnapshotChunk(reader.Int32(), reader.Rest());
                break;
            case QuorumMessageType.SnapshotEnd when message.Length >= 9:
                EndSnapshot(reader.UInt64());
                break;
            case QuorumMessageType.Heartbeat:
                break;
            case QuorumMessageType.Shutdown:
                Stop("the replicator shut down");
                break;
            default:
                QuorumThrowHelper.ThrowProtocol(_index, $"a message of type {message[0]} and {message.Length} bytes");
                break;
        }
    }

    private void Process(StampedInput input)
    {
        if (_snapshot is not null || input.Sequence <= _lastSequence)
        {
            return; // sent before a state transfer that has overtaken it
        }

        if (input.Sequence != _lastSequence + 1)
        {
            QuorumThrowHelper.ThrowProtocol(_index, $"input {input.Sequence} after input {_lastSequence}");
        }

        DropResultsBefore(input.Sequence);
        _calls.Begin(input.Sequence);
        int length;
        try
        {
            length = _engine.Process(input, _calls, _output);
        }
        catch (InputAbandonedException)
        {
            return;
        }

        if ((uint)length > (uint)_output.Length)
        {
            QuorumThrowHelper.ThrowOutputTooLarge(length, _output.Length);
        }

        Volatile.Write(ref _lastSequence, input.Sequence);
        Volatile.Write(ref _processed, _processed + 1);
        var writer = new WireWriter(_sendBuffer);
        writer.Byte((byte)QuorumMessageType.Response);
        writer.Int64(input.Sequence);
        writer.Bytes(_output.AsSpan(0, length));
        Send(writer.Written);
    }

    /// <summary>After input <paramref name="sequence"/>: report the state digest, and as the donor send the snapshot.</summary>
    private void Checkpoint(long sequence, bool donor)
    {
        if (sequence != _lastSequence || _snapshot is not null)
        {
            return; // the marker of a transfer this processor was ejected from meanwhile
        }

        ulong digest = _engine.ComputeStateDigest();
        var writer = new WireWriter(_sendBuffer);
        writer.Byte((byte)QuorumMessageType.StateDigest);
        writer.Int64(sequence);
        writer.UInt64(digest);
        Send(writer.Written);
        if (!donor)
        {
            return;
        }

        var state = new ArrayBufferWriter<byte>();
        _engine.WriteSnapshot(state);
        ReadOnlySpan<byte> snapshot = state.WrittenSpan;
        writer = new WireWriter(_sendBuffer);
        writer.Byte((byte)QuorumMessageType.SnapshotBegin);
        writer.Int64(sequence);
        writer.Int32(snapshot.Length);
        writer.UInt64(digest);
        Send(writer.Written);
        int chunk = _options.MaxMessageLength - 1 - 4;
        for (int offset = 0; offset < snapshot.Length; offset += chunk)
        {
            writer = new WireWriter(_sendBuffer);
            writer.Byte((byte)QuorumMessageType.SnapshotChunk);
            writer.Int32(offset);
            writer.Bytes(snapshot.Slice(offset, Math.Min(chunk, snapshot.Length - offset)));
            Send(writer.Written);
        }

        writer = new WireWriter(_sendBuffer);
        writer.Byte((byte)QuorumMessageType.SnapshotEnd);
        writer.UInt64(DigestBuilder.Of(snapshot));
        Send(writer.Written);
        Volatile.Write(ref _snapshotsSent, _snapshotsSent + 1);
    }

    private void BeginSnapshot(long sequence, int length)
    {
        if ((uint)length > (uint)_options.MaxSnapshotLength)
        {
            QuorumThrowHelper.ThrowProtocol(_index, $"a snapshot of {length} bytes");
        }

        _backlog.Clear();
        _results.Clear();
        _snapshot = new byte[length];
        _snapshotSequence = sequence;
        _snapshotReceived = 0;
    }

    private void SnapshotChunk(int offset, ReadOnlySpan<byte> bytes)
    {
        if (_snapshot is null)
        {
            return;
        }

        if (offset != _snapshotReceived || bytes.Length > _snapshot.Length - offset)
        {
            QuorumThrowHelper.ThrowProtocol(_index, $"a snapshot chunk at {offset} of {bytes.Length} bytes after {_snapshotReceived} of {_snapshot.Length}");
        }

        bytes.CopyTo(_snapshot.AsSpan(offset));
        _snapshotReceived += bytes.Length;
    }

    /// <summary>Installs the snapshot and reports the restored state's digest (0 when the bytes arrived damaged).</summary>
    private void EndSnapshot(ulong bytesDigest)
    {
        if (_snapshot is not { } snapshot)
        {
            return;
        }

        _snapshot = null;
        ulong restored = 0;
        if (_snapshotReceived == snapshot.Length && DigestBuilder.Of(snapshot) == bytesDigest)
        {
            _engine.RestoreSnapshot(snapshot);
            Volatile.Write(ref _lastSequence, _snapshotSequence);
            Volatile.Write(ref _restores, _restores + 1);
            restored = _engine.ComputeStateDigest();
        }

        var writer = new WireWriter(_sendBuffer);
        writer.Byte((byte)QuorumMessageType.Restored);
        writer.Int64(_snapshotSequence);
        writer.UInt64(restored);
        Send(writer.Written);
    }

    private void SendHello()
    {
        Span<byte> hello = stackalloc byte[1 + 8 + 8 + 8];
        var writer = new WireWriter(hello);
        writer.Byte((byte)QuorumMessageType.Hello);
        writer.Int64(_incarnation);
        writer.Int64(_lastSequence);
        writer.UInt64(_engine.ComputeStateDigest());
        if (_streams.Out.Offer(writer.Written) > 0)
        {
            _helloSent = true;
            _lastSent = _time.GetTimestamp();
        }
    }

    private void HeartbeatIfDue(long now)
    {
        if (!_helloSent || now - _lastSent <= _heartbeatTicks)
        {
            return;
        }

        Span<byte> heartbeat = stackalloc byte[1 + 8];
        var writer = new WireWriter(heartbeat);
        writer.Byte((byte)QuorumMessageType.Heartbeat);
        writer.Int64(_lastSequence);
        if (_streams.Out.Offer(writer.Written) > 0)
        {
            _lastSent = now;
        }
    }

    private void CheckReplicator(long now)
    {
        if (_cancellation.IsCancellationRequested)
        {
            Stop("cancelled");
        }
        else if (_heardFromReplicator && now - _lastHeard > _replicatorTimeoutTicks)
        {
            Stop($"nothing from the replicator for {_options.ReplicatorTimeout.TotalSeconds:0.#} s");
        }
        else if (!_heardFromReplicator && now - _lastHeard > _startTimeoutTicks)
        {
            // A replicator may start well after its processors (processes started together on a slow host): until its
            // first word the processor waits the start timeout, not the silence allowed once they talk.
            Stop($"no word from the replicator within {_options.StartTimeout.TotalSeconds:0.#} s of starting");
        }
    }

    private void Stop(string reason)
    {
        StopReason ??= reason;
        _stopped = true;
    }

    /// <summary>Sends to the replicator, waiting through back-pressure (with the streams' housekeeping and heartbeat
    /// checks); a processor whose replicator is gone stops.</summary>
    private void Send(ReadOnlySpan<byte> message)
    {
        _waitIdle.Reset();
        while (true)
        {
            long result = _streams.Out.Offer(message);
            if (result > 0)
            {
                _lastSent = _time.GetTimestamp();
                return;
            }

            long now = _time.GetTimestamp();
            if (result == QueueStatus.Closed)
            {
                Stop("the stream to the replicator is closed");
            }

            CheckReplicator(now);
            if (_stopped)
            {
                throw new InputAbandonedException(StopReason!);
            }

            _waitIdle.Idle(_streams.DoWork());
        }
    }
}
