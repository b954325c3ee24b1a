using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.Verification;
using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>The backup's side: join, apply, acknowledge, verify, promote.</summary>
public sealed partial class ReplicaNode
{
    private volatile bool _joined;
    private bool _diverged;
    private bool _abandoned;
    private long _joinNonce;
    private long _joinSentAt;
    private long _joinedGeneration;
    private byte[]? _snapshot;
    private long _snapshotSequence;
    private long _snapshotGeneration;
    private ulong _snapshotEngineDigest;
    private long _lastReceivedInput;
    private long _sequenceAtPromotion;

    /// <summary>The last input received from the old primary when this replica was promoted (0: never promoted).</summary>
    public long SequenceAtPromotion => Volatile.Read(ref _sequenceAtPromotion);

    private int BackupWork()
    {
        int work = 0;
        if (_diverged)
        {
            return PollClients();
        }

        if (!_joined && _peer is not null && (_joinSentAt == 0 || Elapsed(_joinSentAt, _options.JoinRetryInterval)))
        {
            SendJoin();
        }

        for (int i = 0; i < 64 && _role == ReplicaRole.Backup && !_diverged && PollPeer(); i++)
        {
            work++;
            OnReplication(_peerMessage.Message);
        }

        if (_role == ReplicaRole.Backup && _joined && PeerSilentFor(_options.PromotionTimeout))
        {
            Promote();
            work++;
        }

        work += PollClients();
        if (_role == ReplicaRole.Backup && _peer is not null && Elapsed(_lastSentToPeer, _options.HeartbeatInterval))
        {
            Span<byte> heartbeat = stackalloc byte[1 + 8 + 8 + 8];
            var writer = new WireWriter(heartbeat);
            writer.Type(MessageType.Heartbeat);
            writer.Int64(_joinedGeneration);
            writer.Int64(_lastSequence);
            writer.Int64(0); // a backup claims no term
            TrySendToPrimary(writer.Written);
        }

        return work;
    }

    private bool PollPeer()
    {
        if (_peer is null)
        {
            return false;
        }

        if (_peer.In.Poll(ref _peerMessage, 1) == 0)
        {
            _peerReadEmptyAt = _time.GetTimestamp();
            return false;
        }

        _lastHeardFromPeer = _time.GetTimestamp();
        return true;
    }

    private void SendJoin()
    {
        Span<byte> message = stackalloc byte[1 + 8];
        var writer = new WireWriter(message);
        writer.Type(MessageType.Join);
        writer.Int64(_joinNonce + 1);
        if (TrySendToPrimary(writer.Written))
        {
            // Counted as asked only once the stream took it: a stream still connecting is tried again next pass.
            _joinNonce++;
            _joinSentAt = _time.GetTimestamp();
        }
    }

    /// <summary>Handles one message of the replication stream between inputs.</summary>
    private void OnReplication(ReadOnlySpan<byte> message)
    {
        var reader = new WireReader(message[1..]);
        var type = (MessageType)message[0];
        switch (type)
        {
            case MessageType.SnapshotBegin:
            case MessageType.SnapshotChunk:
            case MessageType.SnapshotEnd:
                OnSnapshotMessage(type, ref reader);
                return;
            case MessageType.Promoted:
                return; // a primary repeating its notice after this replica stepped down to follow it
            case MessageType.Heartbeat:
                if (_joined && reader.Int64() != _joinedGeneration)
                {
                    // The primary went on without this backup (it thought it lost): ask for the state again.
                    _joined = false;
                    _joinSentAt = 0;
                }

                return;
        }

        if (!_joined)
        {
            return; // a stream that started before this replica's state transfer
        }

        switch (type)
        {
            case MessageType.Input:
                OnInput(ref reader);
                break;
            case MessageType.Completed:
            {
                long sequence = reader.Int64();
                ulong outputDigest = reader.UInt64();
                int callCount = reader.Int32();
                ulong? stateDigest = reader.Byte() != 0 ? reader.UInt64() : null;
                Divergence? divergence = _verifier.VerifyPrimary(sequence, outputDigest, callCount, stateDigest);
                if (divergence is not null)
                {
                    Diverge(divergence);
                }

                break;
            }

            case MessageType.CallIntent:
            case MessageType.CallResult:
            {
                // The primary made a call that this replica's engine did not make.
                long sequence = reader.Int64();
                int index = reader.Int32();
                Diverge(new Divergence(sequence, DivergenceKind.CallCount, (ulong)index + 1, (ulong)index));
                break;
            }

            default:
                ThrowHelper.ThrowProtocol($"a backup received {type} from the primary", _lastSequence);
                break;
        }
    }

    private void OnInput(ref WireReader reader)
    {
        long sequence = reader.Int64();
        long timestamp = reader.Int64();
        long clientId = reader.Int64();
        long clientSequence = reader.Int64();
        ReadOnlySpan<byte> payload = reader.Rest();
        if (sequence != _lastSequence + 1)
        {
            ThrowHelper.ThrowProtocol($"input {sequence} arrived after {_lastSequence}", sequence);
        }

        _lastReceivedInput = sequence;
        payload.CopyTo(_inputBuffer);
        var input = new StampedInput(sequence, timestamp, clientId, clientSequence, _inputBuffer.AsSpan(0, payload.Length));
        if (!Apply(input, record: true, out ulong outputDigest, out int callCount, out ulong? stateDigest))
        {
            return; // diverged during the input
        }

        if (_role == ReplicaRole.Backup)
        {
            _verifier.RecordLocal(sequence, outputDigest, callCount, stateDigest);
            SendRecordAck(sequence);
        }
    }

    private void SendRecordAck(long sequence)
    {
        Span<byte> ack = stackalloc byte[1 + 8];
        var writer = new WireWriter(ack);
        writer.Type(MessageType.RecordAck);
        writer.Int64(sequence);
        SendToPrimary(writer.Written);
    }

    private void OnSnapshotMessage(MessageType type, ref WireReader reader)
    {
        switch (type)
        {
            case MessageType.SnapshotBegin:
                if (IsOwnJoinNonce(reader.Int64()))
                {
                    _snapshotGeneration = reader.Int64();
                    _snapshotSequence = reader.Int64();
                    _snapshot = new byte[reader.Int32()];
                    _snapshotEngineDigest = reader.UInt64();
                }

                break;
            case MessageType.SnapshotChunk when _snapshot is not null:
            {
                int offset = reader.Int32();
                reader.Rest().CopyTo(_snapshot.AsSpan(offset));
                break;
            }

            case MessageType.SnapshotEnd when _snapshot is not null:
            {
                byte[] state = _snapshot;
                _snapshot = null;
                if (DigestBuilder.Of(state) != reader.UInt64())
                {
                    ThrowHelper.ThrowSnapshotMismatch("the state transfer's bytes do not match the digest the primary sent");
                }

                ReadState(state);
                ulong digest = _engine.ComputeStateDigest();
                if (digest != _snapshotEngineDigest)
                {
                    Diverge(new Divergence(_snapshotSequence, DivergenceKind.Snapshot, _snapshotEngineDigest, digest));
                    return;
                }

                Volatile.Write(ref _lastSequence, _snapshotSequence);
                _lastReceivedInput = _snapshotSequence;
                _joinedGeneration = _snapshotGeneration;
                _joined = true;
                _journal?.ResetWithSnapshot(_snapshotSequence, state);
                SendRecordAck(_snapshotSequence);
                break;
            }
        }
    }

    /// <summary>
    /// Whether a state transfer answers a join this replica asked for (any of them, not only the last). The replication
    /// stream is ordered and belongs to one incarnation of each replica, so the last state transfer read is the
    /// primary's current generation, whichever request it answers, and a joined backup takes a newer one too (the
    /// primary mirrors from it, and its heartbeats name its generation). Requiring the last request alone livelocked
    /// on a starved host: when a state transfer took longer than <see cref="ReplicaOptions.JoinRetryInterval"/> to
    /// arrive, the backup had asked again meanwhile and ignored it, every time, and the primary, mirrored and hearing
    /// the backup, held every reply (the Soft-RoCE lab under TCG, whose first replicated order never got an answer).
    /// </summary>
    private bool IsOwnJoinNonce(long nonce) => nonce > 0 && nonce <= _joinNonce;

    /// <summary>
    /// The primary dropped this backup in the middle of an input (its heartbeat names no generation of ours): the
    /// input is finished without its results, not recorded nor acknowledged, and the backup asks to join again (the
    /// state transfer replaces what the engine did with it).
    /// </summary>
    private void AbandonInput()
    {
        _abandoned = true;
        _joined = false;
        _joinSentAt = 0;
    }

    /// <summary>Stops applying (the state is no longer the primary's) and tells the primary to go on alone.</summary>
    private void Diverge(Divergence divergence)
    {
        _verifier.Report(divergence);
        _diverged = true;
        _joined = false;
        Span<byte> leave = stackalloc byte[1 + 8];
        var writer = new WireWriter(leave);
        writer.Type(MessageType.Leave);
        writer.Int64(divergence.Sequence);
        TrySendToPrimary(writer.Written);
    }

    /// <summary>The primary is silent: apply everything received, then serve as the primary.</summary>
    private void Promote()
    {
        while (_role == ReplicaRole.Backup && !_diverged && PollPeer())
        {
            OnReplication(_peerMessage.Message);
        }

        if (!_diverged)
        {
            BecomePrimary();
        }
    }

    /// <summary>Switches the library to the primary's role (services do not notice).</summary>
    private void BecomePrimary()
    {
        if (_role == ReplicaRole.Primary)
        {
            return;
        }

        _role = ReplicaRole.Primary;
        _mirrored = false;
        _joined = false;
        _generation = _joinedGeneration;
        Volatile.Write(ref _term, _term + 1);
        _announcePending = true;
        Volatile.Write(ref _sequenceAtPromotion, Math.Max(_lastReceivedInput, _lastSequence));
        Volatile.Write(ref _promotedAt, _time.GetTimestamp());
        Volatile.Write(ref _promotions, _promotions + 1);
        _promotedNoticePending = true; // if the old primary is only slow, it steps down on this (sent until taken)
        if (_peer is not null)
        {
            SendPromotedNotice();
        }
    }

    /// <summary>Sends to the primary, waiting through back-pressure while the primary is alive.</summary>
    private void SendToPrimary(ReadOnlySpan<byte> message)
    {
        _waitIdle.Reset();
        while (_peer is not null)
        {
            long result = _peer.Out.Offer(message);
            if (result > 0)
            {
                _lastSentToPeer = _time.GetTimestamp();
                return;
            }

            if (result == QueueStatus.Closed || Elapsed(_lastHeardFromPeer, _options.PromotionTimeout))
            {
                return; // the primary is gone: promotion will follow
            }

            KeepStreamsAlive();
            _waitIdle.Idle(_peer.Out.DoWork());
        }
    }

    private bool TrySendToPrimary(ReadOnlySpan<byte> message)
    {
        if (_peer is not null && _peer.Out.Offer(message) > 0)
        {
            _lastSentToPeer = _time.GetTimestamp();
            return true;
        }

        return false;
    }
}
