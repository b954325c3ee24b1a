using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>The primary's side: session manager, dispatcher, replication, reply release.</summary>
public sealed partial class ReplicaNode
{
    private volatile bool _mirrored;
    private long _backupAcked;
    private long _intentAckedSequence;
    private int _intentAckedIndex = -1;
    private bool _joinRequested;
    private long _joinRequestNonce;
    private long _generation;
    private long _snapshotsSent;
    private bool _superseded;
    private bool _promotedNoticePending;
    private long _stepDowns;

    private int PrimaryWork()
    {
        int work = PollPeerControl(64);
        if (_superseded)
        {
            StepDown();
            return work + 1;
        }

        if (_joinRequested)
        {
            _joinRequested = false;
            SendSnapshot();
            work++;
        }

        if (_mirrored && PeerSilentFor(_options.BackupTimeout))
        {
            LoseBackup();
        }

        if (_promotedNoticePending && _peer is not null)
        {
            SendPromotedNotice();
        }

        work += ReleaseReplies();
        work += PollClients();
        if (_announcePending)
        {
            AnnounceTerm();
        }

        PrimaryHeartbeat();
        return work;
    }

    /// <summary>
    /// Tells every client that has not heard it that this replica is the primary of the current term, so a client
    /// moves here at once after a promotion (instead of waiting for its resend timeout) and resends what is
    /// unanswered. Retried on later passes for a client whose stream is not connected yet.
    /// </summary>
    private void AnnounceTerm()
    {
        _announcePending = false;
        Span<byte> message = stackalloc byte[1 + 8];
        var writer = new WireWriter(message);
        writer.Type(MessageType.PrimaryTerm);
        writer.Int64(_term);
        for (int i = 0; i < _clients.Count; i++)
        {
            ClientConnection client = _clients[i];
            if (client.Closed || client.AnnouncedTerm >= _term)
            {
                continue;
            }

            long result = client.Replies.Offer(writer.Written);
            if (result > 0)
            {
                client.AnnouncedTerm = _term;
            }
            else if (result == QueueStatus.Closed)
            {
                client.Closed = true;
            }
            else
            {
                _announcePending = true;
            }
        }
    }

    private int PollClients()
    {
        int work = 0;
        for (int i = 0; i < _clients.Count; i++)
        {
            ClientConnection client = _clients[i];
            if (client.Retired)
            {
                // Gone, or reconnected anew: its held replies are dropped (the client resends what it lacks).
                client.Closed = true;
                _clients.RemoveAt(i--);
                RetiredStreams.Enqueue(client.Requests);
                RetiredStreams.Enqueue(client.Replies);
                continue;
            }

            for (int n = 0; n < 16 && client.Requests.Poll(ref _clientMessage, 1) > 0; n++)
            {
                work++;
                if (_role == ReplicaRole.Primary)
                {
                    OnRequest(client, _clientMessage.Message);
                }
                else
                {
                    RefuseRequest(client, _clientMessage.Message);
                }
            }

            if (client.Requests.IsPeerClosed)
            {
                _clients.RemoveAt(i--);
            }
        }

        return work;
    }

    private void RefuseRequest(ClientConnection client, ReadOnlySpan<byte> request)
    {
        if (request.Length >= 17 && request[0] == (byte)MessageType.Request)
        {
            var reader = new WireReader(request[1..]);
            _ = reader.Int64();
            SendReply(client, reader.Int64(), 0, ReplyStatus.NotPrimary, default);
        }
    }

    /// <summary>The session manager: a repeat is answered from its record, a new request is dispatched.</summary>
    private void OnRequest(ClientConnection client, ReadOnlySpan<byte> request)
    {
        if (request.Length < 17 || request[0] != (byte)MessageType.Request)
        {
            return;
        }

        var reader = new WireReader(request[1..]);
        long clientId = reader.Int64();
        long clientSequence = reader.Int64();
        ReadOnlySpan<byte> payload = reader.Rest();
        ClientSession? session = _sessions.Find(clientId);
        if (session is not null && clientSequence <= session.LastSequence)
        {
            if (session.TryGetReply(clientSequence, out long recordSequence, out _))
            {
                Volatile.Write(ref _repeatsAnswered, _repeatsAnswered + 1);
                QueueReply(new PendingReply(client, clientId, clientSequence, recordSequence));
            }
            else
            {
                SendReply(client, clientSequence, 0, ReplyStatus.TooOld, default);
            }

            return;
        }

        if (payload.Length > _options.MaxRequestLength || clientSequence <= 0)
        {
            SendReply(client, clientSequence, 0, ReplyStatus.Rejected, default);
            return;
        }

        Dispatch(client, clientId, clientSequence, payload);
    }

    /// <summary>The dispatcher: stamps, replicates, then lets the engine see the input.</summary>
    private void Dispatch(ClientConnection client, long clientId, long clientSequence, ReadOnlySpan<byte> payload)
    {
        long sequence = _lastSequence + 1;
        long timestamp = Math.Max(_time.GetUtcNow().UtcTicks, _lastTimestamp);
        payload.CopyTo(_inputBuffer);
        var input = new StampedInput(sequence, timestamp, clientId, clientSequence, _inputBuffer.AsSpan(0, payload.Length));
        if (_mirrored)
        {
            var writer = new WireWriter(_sendBuffer);
            writer.Type(MessageType.Input);
            writer.Int64(sequence);
            writer.Int64(timestamp);
            writer.Int64(clientId);
            writer.Int64(clientSequence);
            writer.Bytes(input.Payload);
            SendToPeer(writer.Written);
        }

        Hook?.Invoke(ReplicaHookPoint.InputReplicated, sequence);
        Apply(input, record: true, out ulong outputDigest, out int callCount, out ulong? stateDigest);
        Hook?.Invoke(ReplicaHookPoint.Processed, sequence);
        if (_superseded)
        {
            return; // the backup took over meanwhile: this input's outcome is not the service's
        }

        if (_mirrored)
        {
            var writer = new WireWriter(_sendBuffer);
            writer.Type(MessageType.Completed);
            writer.Int64(sequence);
            writer.UInt64(outputDigest);
            writer.Int32(callCount);
            writer.Byte(stateDigest.HasValue ? (byte)1 : (byte)0);
            writer.UInt64(stateDigest.GetValueOrDefault());
            SendToPeer(writer.Written);
        }

        QueueReply(new PendingReply(client, clientId, clientSequence, sequence));
    }

    private void QueueReply(PendingReply reply)
    {
        _pendingReplies.Enqueue(reply);
        ReleaseReplies();
    }

    /// <summary>Releases, in order, the replies whose records the backup holds (all of them without a backup).</summary>
    private int ReleaseReplies()
    {
        int released = 0;
        while (!_superseded && _pendingReplies.TryPeek(out PendingReply pending))
        {
            if (_mirrored && pending.RecordSequence > _backupAcked)
            {
                break;
            }

            Hook?.Invoke(ReplicaHookPoint.ReplyReleasing, pending.RecordSequence);
            ClientSession? session = _sessions.Find(pending.ClientId);
            if (session is not null && session.TryGetReply(pending.ClientSequence, out long recordSequence, out ReadOnlySpan<byte> output)
                && recordSequence == pending.RecordSequence
                && !SendReply(pending.Connection, pending.ClientSequence, recordSequence, ReplyStatus.Processed, output))
            {
                break; // back-pressured: the rest waits, in order
            }

            _pendingReplies.Dequeue();
            released++;
        }

        return released;
    }

    /// <summary>Sends a reply; false only when the client's stream is back-pressured (try again later).</summary>
    private bool SendReply(ClientConnection client, long clientSequence, long recordSequence, ReplyStatus status, ReadOnlySpan<byte> output)
    {
        if (client.Closed)
        {
            return true;
        }

        var writer = new WireWriter(_replyBuffer);
        writer.Type(MessageType.Reply);
        writer.Int64(clientSequence);
        writer.Int64(recordSequence);
        writer.Byte((byte)status);
        writer.Bytes(output);
        long result = client.Replies.Offer(writer.Written);
        if (result == QueueStatus.Closed)
        {
            client.Closed = true;
        }

        return result > 0 || result == QueueStatus.Closed || result == QueueStatus.NotConnected;
    }

    /// <summary>Sends to the backup, waiting through back-pressure; false when the backup was lost meanwhile.</summary>
    private bool SendToPeer(ReadOnlySpan<byte> message)
    {
        _waitIdle.Reset();
        while (_mirrored && _peer is not null)
        {
            long result = _peer.Out.Offer(message);
            if (result > 0)
            {
                _lastSentToPeer = _time.GetTimestamp();
                return true;
            }

            if (result == QueueStatus.Closed)
            {
                LoseBackup();
                break;
            }

            KeepStreamsAlive();
            int work = _peer.Out.DoWork() + PollPeerControl(16);
            if (_mirrored && PeerSilentFor(_options.BackupTimeout))
            {
                LoseBackup();
            }

            _waitIdle.Idle(work);
        }

        return false;
    }

    /// <summary>Waits until the backup acknowledged the intent of <paramref name="key"/> (or is lost).</summary>
    private void AwaitIntentAck(ExternalCallKey key)
    {
        _waitIdle.Reset();
        while (_mirrored && (_intentAckedSequence != key.Sequence || _intentAckedIndex != key.CallIndex))
        {
            KeepStreamsAlive();
            int work = _peer!.Out.DoWork() + PollPeerControl(16);
            if (_mirrored && PeerSilentFor(_options.BackupTimeout))
            {
                LoseBackup();
            }

            _waitIdle.Idle(work);
        }
    }

    /// <summary>Reads what the backup sent: join requests, acknowledgements, heartbeats.</summary>
    private int PollPeerControl(int limit)
    {
        int polled = 0;
        while (polled < limit && _peer is not null)
        {
            if (_peer.In.Poll(ref _peerMessage, 1) == 0)
            {
                _peerReadEmptyAt = _time.GetTimestamp();
                break;
            }

            polled++;
            ReadOnlySpan<byte> message = _peerMessage.Message;
            var reader = new WireReader(message[1..]);
            _lastHeardFromPeer = _time.GetTimestamp();
            switch ((MessageType)message[0])
            {
                case MessageType.Join:
                    _joinRequestNonce = reader.Int64();
                    _joinRequested = true;
                    break;
                case MessageType.IntentAck:
                    _intentAckedSequence = reader.Int64();
                    _intentAckedIndex = reader.Int32();
                    break;
                case MessageType.RecordAck:
                    _backupAcked = Math.Max(_backupAcked, reader.Int64());
                    break;
                case MessageType.Leave:
                    if (_mirrored)
                    {
                        LoseBackup();
                    }

                    break;
                case MessageType.Promoted:
                    _ = reader.Int64();
                    OnPeerPrimaryTerm(reader.Int64());
                    break;
                case MessageType.Heartbeat:
                    _ = reader.Int64();
                    _ = reader.Int64();
                    OnPeerPrimaryTerm(reader.Int64());
                    break;
                default:
                    // What a replica that was the primary sent before it learnt this one took over (it steps down
                    // on the Promoted message this replica sends it).
                    break;
            }
        }

        return polled;
    }

    /// <summary>
    /// The other replica says it is a primary (term &gt; 0). Of two primaries the one of the older term steps down:
    /// this one, when the other's term is newer (the backup promoted itself while this replica was only slow); the
    /// other, when this one's is newer, so it is told again (its notice may have been lost, or it missed ours).
    /// </summary>
    private void OnPeerPrimaryTerm(long term)
    {
        if (term > _term)
        {
            _superseded = true;
            _mirrored = false;
        }
        else if (term > 0)
        {
            _promotedNoticePending = true;
        }
    }

    /// <summary>Tells the other replica this one is the primary of its term, until the stream takes the message.</summary>
    private void SendPromotedNotice()
    {
        Span<byte> promoted = stackalloc byte[1 + 8 + 8];
        var writer = new WireWriter(promoted);
        writer.Type(MessageType.Promoted);
        writer.Int64(_sequenceAtPromotion);
        writer.Int64(_term);
        if (_peer!.Out.Offer(writer.Written) > 0)
        {
            _promotedNoticePending = false;
            _lastSentToPeer = _time.GetTimestamp();
        }
    }

    /// <summary>
    /// Superseded by a backup that promoted itself while this replica was alive (only slow): the replies held
    /// are dropped (their records are not the service's; clients resend to the new primary) and this replica
    /// becomes a backup that asks the new primary for its state.
    /// </summary>
    private void StepDown()
    {
        _superseded = false;
        _promotedNoticePending = false;
        _mirrored = false;
        _pendingReplies.Clear();
        _role = ReplicaRole.Backup;
        _joined = false;
        _joinSentAt = 0;
        ResetPeerSilence();
        Volatile.Write(ref _stepDowns, _stepDowns + 1);
    }

    /// <summary>The backup went silent, closed its stream or left: go on alone, releasing every held reply, once the
    /// backup was told (<see cref="TellBackupItWasDropped"/>).</summary>
    private void LoseBackup()
    {
        _mirrored = false;
        Volatile.Write(ref _backupLosses, _backupLosses + 1);
        TellBackupItWasDropped();
    }

    /// <summary>
    /// Puts a heartbeat of generation 0 on the backup's stream before this replica goes on without it (before any
    /// reply the backup did not acknowledge, any input or call it does not see): a backup reads its stream to the end
    /// before it promotes itself, so a backup that was only descheduled finds this first and asks for the state again
    /// instead of taking over from a primary that answered without it. Waits through back-pressure (reading the other
    /// replica, which may have promoted itself meanwhile); gives up when no reader is connected.
    /// </summary>
    private void TellBackupItWasDropped()
    {
        Span<byte> message = stackalloc byte[1 + 8 + 8 + 8];
        var writer = new WireWriter(message);
        writer.Type(MessageType.Heartbeat);
        writer.Int64(0);
        writer.Int64(_lastSequence);
        writer.Int64(_term);
        _waitIdle.Reset();
        while (_peer is not null && !_superseded)
        {
            long result = _peer.Out.Offer(writer.Written);
            if (result > 0)
            {
                _lastSentToPeer = _time.GetTimestamp();
                AwaitPromotionNotice(_lastSentToPeer);
                return;
            }

            if (result == QueueStatus.Closed || result == QueueStatus.NotConnected)
            {
                return; // no reader: nobody will act on the old generation
            }

            KeepStreamsAlive();
            _waitIdle.Idle(_peer.Out.DoWork() + PollPeerControl(16));
        }
    }

    /// <summary>
    /// After the notice, reads the other replica's stream for one promotion bound more before going on alone: a backup
    /// that woke and promoted itself before it read the notice (both replicas descheduled at once on a loaded host)
    /// sends <see cref="MessageType.Promoted"/> as it takes over, and this replica then steps down instead of serving
    /// beside it. Ends early when the other replica is heard (a backup that read the notice asks to join).
    /// </summary>
    private void AwaitPromotionNotice(long noticeAt)
    {
        _waitIdle.Reset();
        while (_peer is not null && !_superseded && _time.GetElapsedTime(noticeAt, _peerReadEmptyAt) < _options.PromotionTimeout)
        {
            KeepStreamsAlive();
            int work = _peer.Out.DoWork() + PollPeerControl(16);
            if (_joinRequested)
            {
                return;
            }

            _waitIdle.Idle(work);
        }
    }

    private void PrimaryHeartbeat()
    {
        if (_peer is null || !Elapsed(_lastSentToPeer, _options.HeartbeatInterval))
        {
            return;
        }

        Span<byte> message = stackalloc byte[1 + 8 + 8 + 8];
        var writer = new WireWriter(message);
        writer.Type(MessageType.Heartbeat);
        writer.Int64(_mirrored ? _generation : 0);
        writer.Int64(_lastSequence);
        writer.Int64(_term);
        if (_peer.Out.Offer(writer.Written) > 0)
        {
            _lastSentToPeer = _time.GetTimestamp();
        }
    }

    /// <summary>State transfer to a joining backup: the whole replica state, in chunks, then mirrored operation.</summary>
    private void SendSnapshot()
    {
        byte[] state = WriteState();
        _generation++;
        _mirrored = true;
        _backupAcked = _lastSequence;
        ResetPeerSilence();
        var writer = new WireWriter(_sendBuffer);
        writer.Type(MessageType.SnapshotBegin);
        writer.Int64(_joinRequestNonce);
        writer.Int64(_generation);
        writer.Int64(_lastSequence);
        writer.Int32(state.Length);
        writer.UInt64(_engine.ComputeStateDigest());
        if (!SendToPeer(writer.Written))
        {
            return;
        }

        int chunk = _options.MaxMessageLength - 1 - 4;
        for (int offset = 0; offset < state.Length; offset += chunk)
        {
            writer = new WireWriter(_sendBuffer);
            writer.Type(MessageType.SnapshotChunk);
            writer.Int32(offset);
            writer.Bytes(state.AsSpan(offset, Math.Min(chunk, state.Length - offset)));
            if (!SendToPeer(writer.Written))
            {
                return;
            }
        }

        writer = new WireWriter(_sendBuffer);
        writer.Type(MessageType.SnapshotEnd);
        writer.UInt64(DigestBuilder.Of(state));
        SendToPeer(writer.Written);
        Volatile.Write(ref _snapshotsSent, _snapshotsSent + 1);
    }
}
