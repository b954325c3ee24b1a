using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Verification;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>The external-call library's role-dependent half.</summary>
public sealed partial class ReplicaNode
{
    /// <summary>Set while this replica, as the backup, holds the intent of the current call and not its result.</summary>
    private ExternalCallKey? _unresolvedIntent;

    /// <summary>
    /// Performs call <paramref name="key"/> in the current role: the backup waits for the primary's result (and
    /// goes on as the primary if it is promoted meanwhile); the primary replicates the intent (unless the service is
    /// repeatable), waits for its acknowledgement, calls, and replicates the result; a new primary holding an
    /// unresolved intent asks the service instead of calling.
    /// </summary>
    internal ExternalCallResult PerformCall(ExternalCallKey key, int service, ReadOnlySpan<byte> request, Span<byte> response)
    {
        if ((uint)service >= (uint)_services.Length)
        {
            ThrowHelper.ThrowUnknownService(service, _services.Length);
        }

        if (_abandoned)
        {
            return ExternalCallResult.Failed; // the rest of an abandoned input: its outcome is thrown away
        }

        if (_role == ReplicaRole.Backup)
        {
            if (AwaitReplicatedResult(key, service, request, response, out ExternalCallResult replicated))
            {
                return replicated;
            }

            if (_diverged || _abandoned)
            {
                return ExternalCallResult.Failed;
            }
        }

        ExternalCallResult result;
        if (_unresolvedIntent == key)
        {
            // The old primary may have called: never call again, ask the service what happened.
            result = _services[service].Recover(key, response);
            Volatile.Write(ref _callsRecovered, _callsRecovered + 1);
        }
        else
        {
            if (_mirrored && !_services[service].IsRepeatable)
            {
                var writer = new WireWriter(_sendBuffer);
                writer.Type(MessageType.CallIntent);
                writer.Int64(key.Sequence);
                writer.Int32(key.CallIndex);
                writer.Int32(service);
                writer.UInt64(DigestBuilder.Of(request));
                if (SendToPeer(writer.Written))
                {
                    AwaitIntentAck(key);
                }
            }

            Hook?.Invoke(ReplicaHookPoint.IntentAcknowledged, key.Sequence);
            if (_superseded)
            {
                return ExternalCallResult.Failed; // the backup took over: the call is its to make now
            }

            result = _services[service].Execute(key, request, response);
            Volatile.Write(ref _callsMade, _callsMade + 1);
            Hook?.Invoke(ReplicaHookPoint.CallExecuted, key.Sequence);
        }

        if (result.Status != ExternalCallStatus.Completed)
        {
            result = new ExternalCallResult(result.Status, 0);
        }
        else if ((uint)result.Length > (uint)response.Length)
        {
            ThrowHelper.ThrowOutputTooLarge(result.Length, response.Length);
        }

        _unresolvedIntent = null;
        if (_mirrored)
        {
            var writer = new WireWriter(_sendBuffer);
            writer.Type(MessageType.CallResult);
            writer.Int64(key.Sequence);
            writer.Int32(key.CallIndex);
            writer.Byte((byte)result.Status);
            writer.Bytes(response[..result.Length]);
            SendToPeer(writer.Written);
        }

        Hook?.Invoke(ReplicaHookPoint.ResultReplicated, key.Sequence);
        return result;
    }

    /// <summary>
    /// The backup's wait for the primary's result of <paramref name="key"/>. False when there will be none:
    /// promoted meanwhile (the caller goes on as the primary) or diverged.
    /// </summary>
    private bool AwaitReplicatedResult(ExternalCallKey key, int service, ReadOnlySpan<byte> request, Span<byte> response, out ExternalCallResult result)
    {
        result = default;
        _unresolvedIntent = null;
        _waitIdle.Reset();
        while (true)
        {
            if (PollPeer())
            {
                ReadOnlySpan<byte> message = _peerMessage.Message;
                var reader = new WireReader(message[1..]);
                switch ((MessageType)message[0])
                {
                    case MessageType.CallIntent:
                    {
                        long sequence = reader.Int64();
                        int index = reader.Int32();
                        int primaryService = reader.Int32();
                        ulong requestDigest = reader.UInt64();
                        if (sequence != key.Sequence || index != key.CallIndex)
                        {
                            ThrowHelper.ThrowProtocol($"the intent of call ({sequence}, {index}) arrived during call ({key.Sequence}, {key.CallIndex})", key.Sequence);
                        }

                        ulong localDigest = DigestBuilder.Of(request);
                        if (primaryService != service || requestDigest != localDigest)
                        {
                            Diverge(new Divergence(key.Sequence, DivergenceKind.CallRequest, requestDigest ^ (ulong)primaryService, localDigest ^ (ulong)service));
                            return false;
                        }

                        _unresolvedIntent = key;
                        Span<byte> ack = stackalloc byte[1 + 8 + 4];
                        var writer = new WireWriter(ack);
                        writer.Type(MessageType.IntentAck);
                        writer.Int64(key.Sequence);
                        writer.Int32(key.CallIndex);
                        SendToPrimary(writer.Written);
                        break;
                    }

                    case MessageType.CallResult:
                    {
                        long sequence = reader.Int64();
                        int index = reader.Int32();
                        var status = (ExternalCallStatus)reader.Byte();
                        ReadOnlySpan<byte> bytes = reader.Rest();
                        if (sequence != key.Sequence || index != key.CallIndex || bytes.Length > response.Length)
                        {
                            ThrowHelper.ThrowProtocol($"the result of call ({sequence}, {index}) arrived during call ({key.Sequence}, {key.CallIndex})", key.Sequence);
                        }

                        bytes.CopyTo(response);
                        _unresolvedIntent = null;
                        result = new ExternalCallResult(status, bytes.Length);
                        return true;
                    }

                    case MessageType.Completed:
                    {
                        // The primary finished this input with fewer calls than this engine is making.
                        long sequence = reader.Int64();
                        _ = reader.UInt64();
                        int primaryCalls = reader.Int32();
                        Diverge(new Divergence(sequence, DivergenceKind.CallCount, (ulong)primaryCalls, (ulong)key.CallIndex + 1));
                        return false;
                    }

                    case MessageType.Heartbeat:
                        if (reader.Int64() != _joinedGeneration)
                        {
                            // The primary went on without this backup (it found it silent): the result will never
                            // come. The input is dropped unrecorded and the state comes again by state transfer.
                            AbandonInput();
                            return false;
                        }

                        break;
                    case MessageType.Promoted:
                        break;
                    case MessageType.SnapshotBegin:
                    case MessageType.SnapshotChunk:
                    case MessageType.SnapshotEnd:
                        // A state transfer answering an earlier join: the primary dropped this backup meanwhile.
                        AbandonInput();
                        OnSnapshotMessage((MessageType)message[0], ref reader);
                        return false;
                    default:
                        ThrowHelper.ThrowProtocol($"{(MessageType)message[0]} arrived during call ({key.Sequence}, {key.CallIndex})", key.Sequence);
                        break;
                }

                _waitIdle.Reset();
                continue;
            }

            if (PeerSilentFor(_options.PromotionTimeout))
            {
                BecomePrimary(); // nothing more will come: this input goes on in the primary's role
                return false;
            }

            KeepStreamsAlive();
            _waitIdle.Idle(0);
        }
    }
}
