using System.Globalization;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>The voter: responses, decisions, answers, dissent, timeouts and the window.</summary>
public sealed partial class QuorumReplicator
{
    private bool _ejectDue;

    private void OnResponse(ProcessorSlot slot, long sequence, ReadOnlySpan<byte> response)
    {
        if (!slot.VotesOn(sequence))
        {
            return; // an ejected processor's leftovers, or a joiner's before its admission: not votes
        }

        if (sequence != slot.ExpectedResponse || sequence >= slot.NextSend || sequence < _oldest || response.Length > _options.MaxResponseLength)
        {
            Violation(slot, string.Create(CultureInfo.InvariantCulture,
                $"a response for sequence {sequence} of {response.Length} bytes (expected sequence {slot.ExpectedResponse}, sent up to {slot.NextSend - 1})"));
            return;
        }

        slot.ExpectedResponse++;
        slot.CountResponse();
        LogEntry entry = Entry(sequence);
        entry.StoreResponse(slot.Index, response);
        if (!entry.Decided)
        {
            if (entry.FirstResponseAt == 0)
            {
                entry.FirstResponseAt = _now;
            }

            Evaluate(entry);
        }
        else if (entry.Status == QuorumReplyStatus.Agreed)
        {
            if (response.SequenceEqual(entry.Answer))
            {
                slot.CountLate();
                Increment(ref _late);
            }
            else
            {
                Dissent(slot, sequence, "its response differs from the agreed one");
            }
        }
    }

    /// <summary>Decides <paramref name="entry"/> if a quorum of voters agree, or if no quorum is possible any more.</summary>
    private void Evaluate(LogEntry entry)
    {
        if (entry.Decided)
        {
            return;
        }

        long sequence = entry.Sequence;
        int voters = 0;
        int responded = 0;
        int best = 0;
        int bestFrom = -1;
        foreach (ProcessorSlot slot in _slots)
        {
            if (!slot.VotesOn(sequence))
            {
                continue;
            }

            voters++;
            if (!entry.HasResponded(slot.Index))
            {
                continue;
            }

            responded++;
            int same = CountSame(entry, sequence, entry.ResponseOf(slot.Index));
            if (same > best)
            {
                (best, bestFrom) = (same, slot.Index);
            }
        }

        if (best >= _quorum)
        {
            Decide(entry, QuorumReplyStatus.Agreed, bestFrom, best);
            ReadOnlySpan<byte> answer = entry.Answer;
            foreach (ProcessorSlot slot in _slots)
            {
                if (slot.VotesOn(sequence) && entry.HasResponded(slot.Index) && !entry.ResponseOf(slot.Index).SequenceEqual(answer))
                {
                    Dissent(slot, sequence, "its response differs from the agreed one");
                }
            }
        }
        else if (best + (voters - responded) < _quorum)
        {
            Decide(entry, QuorumReplyStatus.NoQuorum, -1, 0);
        }
    }

    private int CountSame(LogEntry entry, long sequence, ReadOnlySpan<byte> response)
    {
        int same = 0;
        foreach (ProcessorSlot slot in _slots)
        {
            if (slot.VotesOn(sequence) && entry.HasResponded(slot.Index) && entry.ResponseOf(slot.Index).SequenceEqual(response))
            {
                same++;
            }
        }

        return same;
    }

    private void Decide(LogEntry entry, QuorumReplyStatus status, int answerFrom, int votes)
    {
        entry.Decide(status, answerFrom, votes, _now);
        if (status == QuorumReplyStatus.Agreed)
        {
            Increment(ref _agreed);
        }
        else
        {
            Increment(ref _noQuorum);
        }

        _observer?.OnDecided(
            new QuorumDecision(entry.Sequence, entry.ClientId, entry.ClientSequence, status, votes, entry.StampedAt, entry.FirstResponseAt, entry.DecidedAt),
            entry.Answer);
        RefuseOpenCalls(entry);
        if (!SendAnswer(entry))
        {
            entry.AnswerPending = true;
            _pendingAnswers++;
        }

        while (_undecidedFrom <= _lastSequence && Entry(_undecidedFrom).Decided)
        {
            _undecidedFrom++;
        }
    }

    /// <summary>Sends the decision to its client; false only while the client's stream cannot take it (try again).</summary>
    private bool SendAnswer(LogEntry entry)
    {
        ClientLink? client = entry.Client;
        if (client is not null && !client.Closed)
        {
            long result = SendReply(client, entry.ClientSequence, entry.Sequence, entry.Status, entry.Answer);
            if (result == QueueStatus.Closed)
            {
                client.Closed = true;
            }
            else if (result < 0)
            {
                return false;
            }
        }

        Increment(ref _answered);
        if (client is not null)
        {
            client.Unanswered--;
            CheckFinished(client);
        }

        return true;
    }

    private long SendReply(ClientLink client, long clientSequence, long sequence, QuorumReplyStatus status, ReadOnlySpan<byte> answer)
    {
        var writer = new WireWriter(_sendBuffer);
        writer.Byte((byte)QuorumMessageType.Reply);
        writer.Int64(clientSequence);
        writer.Int64(sequence);
        writer.Byte((byte)status);
        writer.Bytes(answer);
        return client.Streams.Out.Offer(writer.Written);
    }

    private void CheckFinished(ClientLink client)
    {
        if (client.Done && client.Unanswered == 0 && !client.Finished)
        {
            client.Finished = true;
            Volatile.Write(ref _clientsDone, _clientsDone + 1);
        }
    }

    private int RetryAnswers()
    {
        int sent = 0;
        for (long sequence = _oldest; sequence <= _lastSequence && _pendingAnswers > 0; sequence++)
        {
            LogEntry entry = Entry(sequence);
            if (entry.AnswerPending && SendAnswer(entry))
            {
                entry.AnswerPending = false;
                _pendingAnswers--;
                sent++;
            }
        }

        return sent;
    }

    /// <summary>A dissent; K of them within the window mark the processor for ejection once the message is handled.</summary>
    private void Dissent(ProcessorSlot slot, long sequence, string what)
    {
        Increment(ref _dissents);
        Observe(new QuorumProcessorEvent(slot.Index, slot.Incarnation, QuorumProcessorEventKind.Dissented, sequence, null,
            string.Create(CultureInfo.InvariantCulture, $"processor {slot.Index} dissented at sequence {sequence}: {what}")));
        if (slot.Dissent(sequence, _options.DisagreementWindow))
        {
            slot.EjectDue = true;
            _ejectDue = true;
        }
    }

    private void EjectDissenters()
    {
        if (!_ejectDue)
        {
            return;
        }

        _ejectDue = false;
        foreach (ProcessorSlot slot in _slots)
        {
            if (slot.EjectDue)
            {
                slot.EjectDue = false;
                if (slot.State == QuorumProcessorState.Active)
                {
                    Eject(slot, EjectionReason.Disagreement, string.Create(CultureInfo.InvariantCulture,
                        $"{_options.DisagreementLimit} disagreements within {_options.DisagreementWindow} sequences"));
                }
            }
        }
    }

    /// <summary>After an ejection: every undecided sequence and call that can no longer reach a quorum is decided.</summary>
    private void ReevaluateAll()
    {
        for (long sequence = _undecidedFrom; sequence <= _lastSequence; sequence++)
        {
            LogEntry entry = Entry(sequence);
            if (entry.Decided)
            {
                continue;
            }

            for (int i = 0; i < entry.Calls.Length; i++)
            {
                if (!entry.Calls[i].Resolved)
                {
                    EvaluateCall(entry, i, -1, default, 0);
                }
            }

            Evaluate(entry);
        }
    }

    private int CheckTimeouts()
    {
        int decided = 0;
        for (long sequence = _undecidedFrom; sequence <= _lastSequence; sequence++)
        {
            LogEntry entry = Entry(sequence);
            if (entry.Decided)
            {
                continue;
            }

            if (_now - entry.StampedAt < _responseTimeoutTicks)
            {
                break;
            }

            Decide(entry, QuorumReplyStatus.NoQuorum, -1, 0);
            decided++;
        }

        return decided;
    }

    /// <summary>Frees the oldest entries that are decided, answered, and no longer needed by any processor.</summary>
    private int Recycle()
    {
        int freed = 0;
        while (_oldest <= _lastSequence)
        {
            LogEntry entry = Entry(_oldest);
            if (!entry.Decided || entry.AnswerPending || BlockerOf(entry) is not null)
            {
                break;
            }

            entry.Release();
            _oldest++;
            freed++;
        }

        return freed;
    }

    /// <summary>A processor that still needs <paramref name="entry"/>: a voter not sent it or not answered yet, or the
    /// joiner of a transfer that has not had it.</summary>
    private ProcessorSlot? BlockerOf(LogEntry entry)
    {
        long sequence = entry.Sequence;
        foreach (ProcessorSlot slot in _slots)
        {
            if (slot.VotesOn(sequence) && (slot.NextSend <= sequence || !entry.HasResponded(slot.Index)))
            {
                return slot;
            }
        }

        if (_transfer is { } transfer && sequence > transfer.Sequence && (!transfer.Relayed || transfer.Joiner.NextSend <= sequence))
        {
            return transfer.Joiner;
        }

        return null;
    }

    /// <summary>
    /// Makes room in the window for one more message: frees what can be freed; if the oldest entry is decided and
    /// answered but a processor still holds it, that processor is lagging a whole window behind and is ejected (a
    /// joiner's transfer is abandoned). False when the oldest is not decided or answered yet (the clients wait).
    /// </summary>
    private bool MakeRoom()
    {
        Recycle();
        while (_lastSequence + 1 - _oldest >= _log.Length)
        {
            LogEntry entry = Entry(_oldest);
            if (!entry.Decided || entry.AnswerPending)
            {
                return false;
            }

            ProcessorSlot blocker = BlockerOf(entry)!;
            if (_transfer is { } transfer && transfer.Joiner == blocker)
            {
                AbortTransfer("the window moved past the inputs the joiner needs");
            }
            else
            {
                Eject(blocker, EjectionReason.Lagging, string.Create(CultureInfo.InvariantCulture,
                    $"it still holds sequence {entry.Sequence} back, a whole window ({_log.Length}) behind"));
            }

            Recycle();
        }

        return true;
    }
}
