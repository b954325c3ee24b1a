using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>The clients' side: requests in, sequencing and stamping.</summary>
public sealed partial class QuorumReplicator
{
    private int AcceptClients()
    {
        int work = 0;
        while (_newClients.TryDequeue(out ClientLink? client))
        {
            _clients.Add(client);
            work++;
        }

        return work;
    }

    private int PollClients()
    {
        int work = 0;
        foreach (ClientLink client in _clients)
        {
            client.Streams.DoWork();
            if (!_started)
            {
                continue;
            }

            for (int n = 0; n < 16; n++)
            {
                if (_lastSequence + 1 - _oldest >= _log.Length && !MakeRoom())
                {
                    return work; // the window is full of undecided or unanswered messages: clients wait
                }

                if (client.Streams.In.Poll(ref _message, 1) == 0)
                {
                    break;
                }

                work++;
                OnClientMessage(client, _message.Message);
            }

            if (!client.Done && client.Streams.In.IsPeerClosed)
            {
                client.Done = true;
                CheckFinished(client);
            }
        }

        return work;
    }

    private void OnClientMessage(ClientLink client, ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            return;
        }

        var reader = new WireReader(message[1..]);
        switch ((QuorumMessageType)message[0])
        {
            case QuorumMessageType.Bye:
                client.Done = true;
                CheckFinished(client);
                break;
            case QuorumMessageType.Request when message.Length >= 17:
                long clientId = reader.Int64();
                long clientSequence = reader.Int64();
                ReadOnlySpan<byte> payload = reader.Rest();
                if (clientId == client.ClientId && clientSequence <= client.LastClientSequence)
                {
                    Increment(ref _repeatsDropped); // answered once already (or rejected): never twice
                }
                else if (clientId != client.ClientId || payload.Length > _options.MaxRequestLength)
                {
                    client.LastClientSequence = Math.Max(client.LastClientSequence, clientSequence);
                    Increment(ref _rejected);
                    SendReply(client, clientSequence, 0, QuorumReplyStatus.Rejected, default);
                }
                else
                {
                    Stamp(client, clientSequence, payload);
                }

                break;
            default:
                Increment(ref _rejected);
                break;
        }
    }

    /// <summary>Sequences and stamps one message; it goes to the processors in this same pass.</summary>
    private void Stamp(ClientLink client, long clientSequence, ReadOnlySpan<byte> payload)
    {
        long sequence = _lastSequence + 1;
        long timestamp = Math.Max(_time.GetUtcNow().UtcTicks, _lastTimestamp);
        LogEntry entry = Entry(sequence);
        entry.Stamp(sequence, timestamp, client, client.ClientId, clientSequence, payload, _now);
        _lastTimestamp = timestamp;
        Volatile.Write(ref _lastSequence, sequence);
        client.LastClientSequence = clientSequence;
        client.Unanswered++;
        Increment(ref _sequenced);
        _observer?.OnStamped(new StampedInput(sequence, timestamp, client.ClientId, clientSequence, entry.Payload));
        Evaluate(entry); // too few voters: answered NoQuorum at once
    }
}
