using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Transport;
using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Sessions;

/// <summary>
/// A client session with its own sequence numbers: sends requests to the primary, holds each until its reply
/// arrives, and after a failover resends every unanswered one to the other server, which answers the ones it
/// processed from their records and processes the rest.
/// </summary>
/// <remarks>
/// Single-threaded: one thread calls <see cref="Submit"/> and <see cref="Poll{THandler}(ref THandler)"/>.
/// Allocation-free after construction.
/// </remarks>
public sealed class ReplicaClient
{
    private const int RequestHeaderLength = 1 + 8 + 8;

    private readonly ReplicaClientOptions _options;
    private readonly TimeProvider _time;
    private readonly List<ServerLink> _servers = [];
    private readonly long[] _sequences;
    private readonly bool[] _answered;
    private readonly int[] _lengths;
    private readonly byte[] _payloads;
    private readonly byte[] _sendBuffer;
    private readonly int _maxPayload;
    private MessageCopy _reply;
    private int _current;
    private long _nextSequence = 1;
    private long _oldestUnanswered = 1;
    private long _sentUpTo;
    private long _resendAt;
    private bool _switchOnResend;
    private long _lastProgress;

    /// <summary>Creates a client session (servers are connected by the transport binding).</summary>
    /// <param name="clientId">The client's id, unique among the service's clients.</param>
    /// <param name="options">The settings.</param>
    internal ReplicaClient(long clientId, ReplicaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Window, 1);
        ClientId = clientId;
        _options = options;
        _time = options.TimeProvider;
        _maxPayload = options.MaxMessageLength - ReplicaOptions.InputHeaderLength;
        _sequences = new long[options.Window];
        _answered = new bool[options.Window];
        _lengths = new int[options.Window];
        _payloads = new byte[options.Window * _maxPayload];
        _sendBuffer = new byte[options.MaxMessageLength];
        _reply = new MessageCopy(options.MaxMessageLength);
        _lastProgress = _time.GetTimestamp();
    }

    /// <summary>The client's id.</summary>
    public long ClientId { get; }

    /// <summary>Requests submitted and not answered yet.</summary>
    public int Unanswered { get; private set; }

    /// <summary>The client sequence of the last request submitted.</summary>
    public long LastSequence => _nextSequence - 1;

    /// <summary>The index of the server requests go to now.</summary>
    public int CurrentServer => _current;

    /// <summary>Times the client moved to another server.</summary>
    public long ServerSwitches { get; private set; }

    /// <summary>Requests sent again (after a switch or a "not primary" reply).</summary>
    public long Resends { get; private set; }

    /// <summary>The largest payload a request may carry.</summary>
    public int MaxPayloadLength => _maxPayload;

    /// <summary>Adds a server's streams (requests out, replies in); the first added is tried first.</summary>
    internal void AddServer(IMessageStreamOut requests, IMessageStreamIn replies) => _servers.Add(new ServerLink(requests, replies));

    /// <summary>Replaces server <paramref name="index"/>'s streams (it restarted).</summary>
    internal void ReplaceServer(int index, IMessageStreamOut requests, IMessageStreamIn replies) => _servers[index] = new ServerLink(requests, replies);

    /// <summary>Submits a request; it is sent now or by a later poll.</summary>
    /// <param name="payload">The request, at most <see cref="MaxPayloadLength"/> bytes.</param>
    /// <returns>Its client sequence, or 0 when the window is full (poll for replies first).</returns>
    public long Submit(ReadOnlySpan<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, _maxPayload, nameof(payload));
        if (_nextSequence - _oldestUnanswered >= _sequences.Length)
        {
            return 0;
        }

        long sequence = _nextSequence++;
        int slot = Slot(sequence);
        _sequences[slot] = sequence;
        _answered[slot] = false;
        _lengths[slot] = payload.Length;
        payload.CopyTo(_payloads.AsSpan(slot * _maxPayload));
        if (Unanswered++ == 0)
        {
            _lastProgress = _time.GetTimestamp();
        }

        SendPending();
        return sequence;
    }

    /// <summary>Delivers the replies that arrived, resends what a failover left unanswered, sends what waits.</summary>
    /// <typeparam name="THandler">The handler (a struct for a direct call).</typeparam>
    /// <param name="handler">Receives each request's reply once.</param>
    /// <returns>The work done (0: idle).</returns>
    public int Poll<THandler>(ref THandler handler)
        where THandler : IReplyHandler, allows ref struct
    {
        if (_servers.Count == 0)
        {
            return 0;
        }

        int work = 0;
        ServerLink server = _servers[_current];
        while (server.Replies.Poll(ref _reply, 1) > 0)
        {
            work++;
            OnReply(ref handler, _reply.Message);
        }

        if (server.Replies.IsPeerClosed && !server.Dead)
        {
            server.Dead = true;
            SwitchServer();
        }

        if (_resendAt != 0 && _time.GetTimestamp() >= _resendAt)
        {
            _resendAt = 0;
            if (_switchOnResend)
            {
                _switchOnResend = false;
                SwitchServer();
            }

            ResendUnanswered();
        }
        else if (Unanswered > 0 && _time.GetElapsedTime(_lastProgress) >= _options.ResendTimeout)
        {
            SwitchServer();
        }

        return work + SendPending();
    }

    private void OnReply<THandler>(ref THandler handler, ReadOnlySpan<byte> message)
        where THandler : IReplyHandler, allows ref struct
    {
        if (message.Length < ReplicaOptions.ReplyHeaderLength || message[0] != (byte)MessageType.Reply)
        {
            return;
        }

        var reader = new WireReader(message[1..]);
        long sequence = reader.Int64();
        long recordSequence = reader.Int64();
        var status = (ReplyStatus)reader.Byte();
        if (status == ReplyStatus.NotPrimary)
        {
            if (_resendAt == 0)
            {
                _resendAt = _time.GetTimestamp() + (long)(_options.RetryDelay.TotalSeconds * _time.TimestampFrequency);
                _switchOnResend = true;
            }

            return;
        }

        int slot = Slot(sequence);
        if (sequence < _oldestUnanswered || sequence >= _nextSequence || _sequences[slot] != sequence || _answered[slot])
        {
            return; // a repeated reply
        }

        _answered[slot] = true;
        Unanswered--;
        _lastProgress = _time.GetTimestamp();
        handler.OnReply(sequence, status, recordSequence, reader.Rest());
        while (_oldestUnanswered < _nextSequence && _answered[Slot(_oldestUnanswered)])
        {
            _oldestUnanswered++;
        }
    }

    private int SendPending()
    {
        if (_servers.Count == 0)
        {
            return 0;
        }

        int sent = 0;
        ServerLink server = _servers[_current];
        while (_sentUpTo + 1 < _nextSequence)
        {
            long sequence = _sentUpTo + 1;
            int slot = Slot(sequence);
            if (sequence < _oldestUnanswered || _answered[slot])
            {
                _sentUpTo = sequence;
                continue;
            }

            var writer = new WireWriter(_sendBuffer);
            writer.Type(MessageType.Request);
            writer.Int64(ClientId);
            writer.Int64(sequence);
            writer.Bytes(_payloads.AsSpan(slot * _maxPayload, _lengths[slot]));
            long result = server.Requests.Offer(writer.Written);
            if (result > 0)
            {
                _sentUpTo = sequence;
                sent++;
                continue;
            }

            if (result == QueueStatus.Closed && !server.Dead)
            {
                server.Dead = true;
                SwitchServer();
            }

            break;
        }

        return sent;
    }

    /// <summary>Moves to the next server that is not known dead (or stays) and resends what is unanswered.</summary>
    private void SwitchServer()
    {
        for (int step = 1; step <= _servers.Count; step++)
        {
            int candidate = (_current + step) % _servers.Count;
            if (!_servers[candidate].Dead)
            {
                if (candidate != _current)
                {
                    _current = candidate;
                    ServerSwitches++;
                }

                break;
            }
        }

        _lastProgress = _time.GetTimestamp();
        ResendUnanswered();
    }

    private void ResendUnanswered()
    {
        if (Unanswered > 0)
        {
            Resends += Unanswered;
        }

        _sentUpTo = _oldestUnanswered - 1;
    }

    private int Slot(long sequence) => (int)(sequence % _sequences.Length);

    private sealed class ServerLink(IMessageStreamOut requests, IMessageStreamIn replies)
    {
        public IMessageStreamOut Requests { get; } = requests;

        public IMessageStreamIn Replies { get; } = replies;

        public bool Dead { get; set; }
    }
}
