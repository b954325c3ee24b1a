using System.Globalization;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>The processors' side: what they send, their start, liveness and ejection, and what goes to them.</summary>
public sealed partial class QuorumReplicator
{
    private int PollProcessor(ProcessorSlot slot)
    {
        StreamPair? streams = slot.Streams;
        if (streams is null)
        {
            return 0;
        }

        int work = streams.DoWork() > 0 ? 1 : 0;
        for (int n = 0; n < 64 && slot.Streams == streams && streams.In.Poll(ref _message, 1) > 0; n++)
        {
            work++;
            slot.LastHeard = _now;
            OnProcessorMessage(slot, _message.Message);
            EjectDissenters();
        }

        if (slot.Streams == streams && streams.In.IsPeerClosed)
        {
            Eject(slot, EjectionReason.StreamClosed, "its stream to the replicator closed");
            work++;
        }

        return work;
    }

    private void OnProcessorMessage(ProcessorSlot slot, ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            Violation(slot, "an empty message");
            return;
        }

        var type = (QuorumMessageType)message[0];
        var reader = new WireReader(message[1..]);
        int body = message.Length - 1;
        switch (type)
        {
            case QuorumMessageType.Heartbeat:
                break;
            case QuorumMessageType.Response when body >= 8:
                OnResponse(slot, reader.Int64(), reader.Rest());
                break;
            case QuorumMessageType.CallRequest when body >= 16:
                OnCallRequest(slot, reader.Int64(), reader.Int32(), reader.Int32(), reader.Rest());
                break;
            case QuorumMessageType.Hello when body >= 24:
                OnHello(slot, reader.Int64(), reader.Int64(), reader.UInt64());
                break;
            case QuorumMessageType.StateDigest when body >= 16:
                OnStateDigest(slot, reader.Int64(), reader.UInt64());
                break;
            case QuorumMessageType.SnapshotBegin when body >= 20:
                OnSnapshotBegin(slot, reader.Int64(), reader.Int32(), reader.UInt64());
                break;
            case QuorumMessageType.SnapshotChunk when body >= 4:
                OnSnapshotChunk(slot, reader.Int32(), reader.Rest());
                break;
            case QuorumMessageType.SnapshotEnd when body >= 8:
                OnSnapshotEnd(slot, reader.UInt64());
                break;
            case QuorumMessageType.Restored when body >= 16:
                OnRestored(slot, reader.Int64(), reader.UInt64());
                break;
            default:
                Violation(slot, string.Create(CultureInfo.InvariantCulture, $"a message of type {message[0]} and {message.Length} bytes"));
                break;
        }
    }

    private void OnHello(ProcessorSlot slot, long incarnation, long lastSequence, ulong digest)
    {
        if (slot.State != QuorumProcessorState.Connecting || incarnation != slot.Incarnation)
        {
            Violation(slot, string.Create(CultureInfo.InvariantCulture, $"a hello for incarnation {incarnation} while it is incarnation {slot.Incarnation}, {slot.State}"));
            return;
        }

        slot.HelloSequence = lastSequence;
        slot.HelloDigest = digest;
        slot.State = QuorumProcessorState.Joining;
        Observe(new QuorumProcessorEvent(slot.Index, slot.Incarnation, QuorumProcessorEventKind.Connected, lastSequence, null,
            string.Create(CultureInfo.InvariantCulture, $"processor {slot.Index} incarnation {incarnation} connected at sequence {lastSequence}, digest {digest:x16}")));
    }

    /// <summary>
    /// At start: once every processor said hello (or <see cref="QuorumOptions.StartTimeout"/> passed with a quorum of
    /// them), admits the largest group with the same initial state (nothing processed, identical digests) if it makes a
    /// quorum; the others join by state transfer. Client messages are sequenced from then on (answered NoQuorum when
    /// no quorum could be admitted).
    /// </summary>
    private void TryStart()
    {
        int hellos = 0;
        foreach (ProcessorSlot slot in _slots)
        {
            hellos += slot.State == QuorumProcessorState.Joining ? 1 : 0;
        }

        bool timedOut = _time.GetElapsedTime(_createdAt) >= _options.StartTimeout;
        if (hellos < _slots.Length && !(timedOut && hellos >= _quorum))
        {
            return;
        }

        int admit = 0;
        int admitCount = 0;
        foreach (ProcessorSlot candidate in _slots)
        {
            int group = 0;
            int count = 0;
            foreach (ProcessorSlot other in _slots)
            {
                if (IsFreshWith(other, candidate))
                {
                    group |= 1 << other.Index;
                    count++;
                }
            }

            if (count > admitCount)
            {
                (admit, admitCount) = (group, count);
            }
        }

        if (admitCount >= _quorum)
        {
            foreach (ProcessorSlot slot in _slots)
            {
                if ((admit & (1 << slot.Index)) != 0)
                {
                    Admit(slot, 1, initial: true);
                }
            }
        }

        Volatile.Write(ref _started, true);
    }

    private static bool IsFreshWith(ProcessorSlot slot, ProcessorSlot candidate) =>
        slot.State == QuorumProcessorState.Joining && candidate.State == QuorumProcessorState.Joining
        && slot.HelloSequence == 0 && candidate.HelloSequence == 0 && slot.HelloDigest == candidate.HelloDigest;

    private void Admit(ProcessorSlot slot, long votesFrom, bool initial)
    {
        slot.State = QuorumProcessorState.Active;
        slot.VotesFrom = votesFrom;
        slot.ExpectedResponse = votesFrom;
        if (initial)
        {
            slot.NextSend = votesFrom;
        }

        slot.ClearDissent();
        slot.CountAdmission();
        if (!initial)
        {
            Increment(ref _admissions);
        }

        Observe(new QuorumProcessorEvent(slot.Index, slot.Incarnation, QuorumProcessorEventKind.Admitted, votesFrom, null,
            string.Create(CultureInfo.InvariantCulture, $"processor {slot.Index} votes from sequence {votesFrom}{(initial ? " (start)" : " (after a state transfer)")}")));
    }

    /// <summary>A processor that sent nothing for the heartbeat timeout is taken for dead.</summary>
    private void CheckLiveness()
    {
        foreach (ProcessorSlot slot in _slots)
        {
            if (slot.State != QuorumProcessorState.Connecting && _now - slot.LastHeard > _heartbeatTimeoutTicks)
            {
                Eject(slot, EjectionReason.MissedHeartbeat, string.Create(
                    CultureInfo.InvariantCulture, $"nothing from it for {_time.GetElapsedTime(slot.LastHeard, _now).TotalMilliseconds:0} ms (heartbeat timeout {_options.HeartbeatTimeout.TotalMilliseconds:0} ms)"));
            }
        }
    }

    private void Violation(ProcessorSlot slot, string what) => Eject(slot, EjectionReason.ProtocolViolation, "it sent " + what);

    /// <summary>
    /// Stops counting <paramref name="slot"/>'s votes. A live processor waits for a state transfer; a dead one's
    /// streams are closed and its next incarnation's opened. Sequences that can no longer reach a quorum are decided.
    /// </summary>
    private void Eject(ProcessorSlot slot, EjectionReason reason, string detail)
    {
        slot.CountEjection();
        Increment(ref _ejections);
        Observe(new QuorumProcessorEvent(slot.Index, slot.Incarnation, QuorumProcessorEventKind.Ejected, _lastSequence, reason,
            string.Create(CultureInfo.InvariantCulture, $"processor {slot.Index} incarnation {slot.Incarnation} ejected ({reason}) at sequence {_lastSequence}: {detail}")));
        if (_transfer is { } transfer && (transfer.Joiner == slot || transfer.Donor == slot))
        {
            AbortTransfer(transfer.Donor == slot ? "the donor was ejected" : "the joiner was ejected");
        }

        _transfer?.Drop(slot.Index);
        if (reason is EjectionReason.MissedHeartbeat or EjectionReason.StreamClosed)
        {
            slot.Streams?.Dispose();
            OpenIncarnation(slot, slot.Incarnation + 1);
        }
        else if (slot.State != QuorumProcessorState.Connecting)
        {
            slot.State = QuorumProcessorState.Joining;
        }

        ReevaluateAll();
    }

    /// <summary>Opens incarnation <paramref name="incarnation"/>'s streams; the processor is connecting until its hello.</summary>
    private void OpenIncarnation(ProcessorSlot slot, long incarnation)
    {
        slot.Streams = null;
        slot.State = QuorumProcessorState.Connecting;
        slot.Incarnation = incarnation;
        slot.Control.Clear();
        slot.MarkerAt = ProcessorSlot.NoMarker;
        slot.Relaying = false;
        slot.LastHeard = slot.LastSent = _now;
        slot.Streams = _openProcessor(slot.Index, incarnation);
    }

    /// <summary>Sends what is due to <paramref name="slot"/>: queued control messages, a snapshot being relayed, the
    /// inputs it has not had (each followed by its resolved calls and, at the checkpoint, the marker), a heartbeat.</summary>
    private int SendTo(ProcessorSlot slot)
    {
        if (slot.Streams is null || slot.State == QuorumProcessorState.Connecting)
        {
            return 0;
        }

        int work = FlushControl(slot);
        if (slot.Relaying)
        {
            work += Relay(slot);
        }

        while (ReceivesInputs(slot) && slot.Control.IsEmpty && slot.NextSend <= _lastSequence)
        {
            LogEntry entry = Entry(slot.NextSend);
            if (!Offer(slot, entry.InputMessage))
            {
                break;
            }

            slot.NextSend++;
            work++;
            for (int i = 0; i < entry.Calls.Length; i++)
            {
                if (entry.Calls[i].Resolved)
                {
                    QueueCallResult(slot, entry.Sequence, i, entry.Calls[i]);
                }
            }

            QueueMarkerIfDue(slot);
            work += FlushControl(slot);
        }

        QueueMarkerIfDue(slot);
        if (slot.Control.IsEmpty && _now - slot.LastSent > _heartbeatTicks)
        {
            Span<byte> heartbeat = stackalloc byte[1 + 8];
            var writer = new WireWriter(heartbeat);
            writer.Byte((byte)QuorumMessageType.Heartbeat);
            writer.Int64(_lastSequence);
            Offer(slot, writer.Written);
        }

        return work;
    }

    /// <summary>Active processors get every input; a joiner gets those after its snapshot once the snapshot went.</summary>
    private bool ReceivesInputs(ProcessorSlot slot) =>
        slot.State == QuorumProcessorState.Active
        || (slot.State == QuorumProcessorState.Transferring && !slot.Relaying && _transfer is { Relayed: true } transfer && transfer.Joiner == slot);

    /// <summary>The checkpoint marker goes once the input it follows was sent.</summary>
    private void QueueMarkerIfDue(ProcessorSlot slot)
    {
        if (slot.MarkerAt == ProcessorSlot.NoMarker || slot.NextSend <= slot.MarkerAt || slot.State != QuorumProcessorState.Active)
        {
            return;
        }

        Span<byte> marker = stackalloc byte[1 + 8 + 1];
        var writer = new WireWriter(marker);
        writer.Byte((byte)QuorumMessageType.Checkpoint);
        writer.Int64(slot.MarkerAt);
        writer.Byte(slot.MarkerDonor ? (byte)1 : (byte)0);
        slot.MarkerAt = ProcessorSlot.NoMarker;
        QueueControl(slot, writer.Written);
    }

    private void QueueCallResult(ProcessorSlot slot, long sequence, int index, CallVote call)
    {
        var writer = new WireWriter(_sendBuffer);
        writer.Byte((byte)QuorumMessageType.CallResult);
        writer.Int64(sequence);
        writer.Int32(index);
        writer.Byte((byte)call.Result.Status);
        writer.Bytes(call.Response);
        QueueControl(slot, writer.Written);
    }

    /// <summary>Queues a message that must follow what was already sent; a processor so far behind that the queue is
    /// full is lagging.</summary>
    private void QueueControl(ProcessorSlot slot, ReadOnlySpan<byte> message)
    {
        if (!slot.Control.TryEnqueue(message) && slot.State == QuorumProcessorState.Active)
        {
            Eject(slot, EjectionReason.Lagging, "its queue of external-call results is full");
        }
    }

    private int FlushControl(ProcessorSlot slot)
    {
        int sent = 0;
        while (slot.Control.TryPeek(out ReadOnlySpan<byte> message) && Offer(slot, message))
        {
            slot.Control.Dequeue();
            sent++;
        }

        return sent;
    }

    private bool Offer(ProcessorSlot slot, ReadOnlySpan<byte> message)
    {
        long result = slot.Streams!.Out.Offer(message);
        if (result > 0)
        {
            slot.LastSent = _now;
            return true;
        }

        return false;
    }
}
