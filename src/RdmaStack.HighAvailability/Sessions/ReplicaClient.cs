using System.Collections.Concurrent;
using System.Diagnostics;
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
/// <para>Which server: the one that last announced the highest primary term (a primary announces its term when the
/// client connects and right after a promotion, and the client then resends everything unanswered to it); failing
/// that, the other server after a "not primary" reply or after <see cref="ReplicaClientOptions.ResendTimeout"/> without
/// progress. Replies are taken from every server: a repeat is dropped.</para>
/// <para>Single-threaded: one thread calls <see cref="Submit"/> and <see cref="Poll{THandler}(ref THandler)"/>; over a
/// fabric that thread drives every stream of the client, so it must keep polling while it waits.
/// Allocation-free after construction.</para>
/// </remarks>
public sealed partial class ReplicaClient : IDisposable
{
    /// <summary>How often <see cref="Poll{THandler}(ref THandler)"/> lets every stream do its housekeeping.</summary>
    private static readonly long s_keepAliveTicks = Stopwatch.Frequency / 10_000;

    private readonly ReplicaClientOptions _options;
    private readonly TimeProvider _time;
    private readonly List<ServerLink> _servers = [];
    private readonly ConcurrentQueue<(int Index, ServerLink Link)> _newServers = new();
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
    private long _term;
    private long _keptAliveAt;
    private ClientBinding? _binding;

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

    /// <summary>The index of the server whose reply is being (or was last) delivered: read it in
    /// <see cref="IReplyHandler.OnReply"/> to tell which server answered.</summary>
    public int ReplyServer { get; private set; } = -1;

    /// <summary>The highest primary term a server announced to this client (0: none yet).</summary>
    public long PrimaryTerm => _term;

    /// <summary>Times the client moved to another server.</summary>
    public long ServerSwitches { get; private set; }

    /// <summary>Requests sent again (after a switch or a "not primary" reply).</summary>
    public long Resends { get; private set; }

    /// <summary>The largest payload a request may carry.</summary>
    public int MaxPayloadLength => _maxPayload;

    /// <summary>Streams the client's thread let go of (a server reconnected anew): the owner disposes them.</summary>
    internal ConcurrentQueue<object> RetiredStreams { get; } = new();

    /// <summary>Adds a server's streams (requests out, replies in); the first added is tried first.</summary>
    internal void AddServer(IMessageStreamOut requests, IMessageStreamIn replies) => _servers.Add(new ServerLink(requests, replies));

    /// <summary>Replaces server <paramref name="index"/>'s streams (it restarted).</summary>
    internal void ReplaceServer(int index, IMessageStreamOut requests, IMessageStreamIn replies) => Install(index, new ServerLink(requests, replies));

    /// <summary>Hands the client new streams to server <paramref name="index"/> from any thread; the client's thread
    /// puts them in place at its next poll and retires the old ones.</summary>
    internal void ConnectServer(int index, IMessageStreamOut requests, IMessageStreamIn replies) =>
        _newServers.Enqueue((index, new ServerLink(requests, replies)));

    /// <summary>Closes the client's streams and leaves the service's membership (a client made by
    /// <see cref="Create(Fabric, ReplicaServiceOptions, long, ReplicaClientOptions)"/>); call it on the client's thread
    /// or after that thread stopped.</summary>
    public void Dispose() => _binding?.Dispose();

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
        int work = TakeNewServers();
        KeepStreamsAlive();
        if (_servers.Count == 0)
        {
            return work;
        }

        for (int index = 0; index < _servers.Count; index++)
        {
            ServerLink server = _servers[index];
            if (server.Replies is null)
            {
                continue;
            }

            while (server.Replies.Poll(ref _reply, 1) > 0)
            {
                work++;
                ReplyServer = index;
                OnReply(ref handler, _reply.Message);
            }

            if (index == _current && server.Replies.IsPeerClosed && !server.Dead)
            {
                server.Dead = true;
                SwitchServer();
            }
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
        if (message.Length == 1 + 8 && message[0] == (byte)MessageType.PrimaryTerm)
        {
            OnPrimaryTerm(new WireReader(message[1..]).Int64());
            return;
        }

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
            if (_resendAt == 0 && ReplyServer == _current)
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

    /// <summary>A server announced that it is the primary of <paramref name="term"/>: a newer term moves the client
    /// there, with everything unanswered sent again (the records answer what was processed).</summary>
    private void OnPrimaryTerm(long term)
    {
        if (term <= _term)
        {
            return;
        }

        _term = term;
        _resendAt = 0;
        _switchOnResend = false;
        if (ReplyServer != _current)
        {
            _current = ReplyServer;
            ServerSwitches++;
        }

        _lastProgress = _time.GetTimestamp();
        ResendUnanswered();
    }

    /// <summary>Puts in place the streams handed over by <see cref="ConnectServer"/>.</summary>
    private int TakeNewServers()
    {
        int work = 0;
        while (_newServers.TryDequeue(out (int Index, ServerLink Link) next))
        {
            while (_servers.Count <= next.Index)
            {
                _servers.Add(new ServerLink(null, null));
            }

            Install(next.Index, next.Link);
            work++;
        }

        return work;
    }

    private void Install(int index, ServerLink link)
    {
        ServerLink old = _servers[index];
        _servers[index] = link;
        if (old.Requests is not null)
        {
            RetiredStreams.Enqueue(old.Requests);
        }

        if (old.Replies is not null)
        {
            RetiredStreams.Enqueue(old.Replies);
        }

        if (index == _current)
        {
            ResendUnanswered(); // what went to the old streams may never have arrived
        }
    }

    /// <summary>Every stream does its housekeeping (heartbeats), at most every 100 us, whether it is used or not.</summary>
    private void KeepStreamsAlive()
    {
        long now = Stopwatch.GetTimestamp();
        if (now - _keptAliveAt < s_keepAliveTicks)
        {
            return;
        }

        _keptAliveAt = now;
        for (int i = 0; i < _servers.Count; i++)
        {
            _servers[i].Requests?.DoWork();
            _servers[i].Replies?.DoWork();
        }
    }

    private int SendPending()
    {
        if (_servers.Count == 0 || _servers[_current].Requests is not { } requests)
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
            long result = requests.Offer(writer.Written);
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
            if (!_servers[candidate].Dead && _servers[candidate].Requests is not null)
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

    /// <summary>The streams to one server (null until the binding connects it).</summary>
    private sealed class ServerLink(IMessageStreamOut? requests, IMessageStreamIn? replies)
    {
        public IMessageStreamOut? Requests { get; } = requests;

        public IMessageStreamIn? Replies { get; } = replies;

        public bool Dead { get; set; }
    }
}
