using System.Buffers.Binary;
using System.Diagnostics;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// A client of a quorum-replicated service: sends messages with its own increasing sequence numbers and receives one
/// reply per message (Agreed with the quorum's bytes, NoQuorum naming the sequence, or Rejected).
/// </summary>
/// <remarks>
/// The replicator answers every message exactly once and never resends; a client that wants a bound on messages in
/// flight keeps its own count. Thread-safety: one thread calls <see cref="Send"/>, <see cref="Poll"/>,
/// <see cref="DoWork"/>, <see cref="SendBye"/> and <see cref="Dispose"/>.
/// </remarks>
public sealed class QuorumClient : IDisposable
{
    private readonly StreamPair _streams;
    private readonly QuorumOptions _options;
    private readonly byte[] _buffer;
    private long _nextSequence = 1;

    internal QuorumClient(long clientId, StreamPair streams, QuorumOptions options)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ClientId = clientId;
        _streams = streams;
        _options = options;
        _buffer = new byte[options.MaxMessageLength];
    }

    /// <summary>The client's id.</summary>
    public long ClientId { get; }

    /// <summary>The client sequence the next message will carry.</summary>
    public long NextSequence => _nextSequence;

    /// <summary>True while both streams to the replicator have a link.</summary>
    public bool IsConnected => _streams.IsConnected;

    /// <summary>
    /// Opens client <paramref name="clientId"/> of service <paramref name="service"/> on <paramref name="fabric"/>
    /// (a publication <c>SERVICE.cID.req</c> and a subscription <c>SERVICE.cID.rep</c>); the replicator must have been
    /// told of it (<see cref="QuorumReplicator.AddClient(long)"/>).
    /// </summary>
    /// <param name="fabric">The fabric.</param>
    /// <param name="service">The service's name.</param>
    /// <param name="clientId">The client's id.</param>
    /// <param name="options">The service's settings.</param>
    /// <returns>The client.</returns>
    public static QuorumClient Open(Fabric fabric, string service, long clientId, QuorumOptions options)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        QuorumReplicator.CheckSlots(fabric, options);
        StreamPair streams = StreamPair.Open(fabric, QuorumStreamNames.Requests(service, clientId), QuorumStreamNames.Replies(service, clientId));
        try
        {
            return new QuorumClient(clientId, streams, options);
        }
        catch
        {
            streams.Dispose();
            throw;
        }
    }

    /// <summary>Sends one message without blocking.</summary>
    /// <param name="payload">At most <see cref="QuorumOptions.MaxRequestLength"/> bytes.</param>
    /// <returns>The message's client sequence (&gt; 0), or a negative <see cref="QueueStatus"/> code (nothing was sent:
    /// try again after <see cref="DoWork"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The payload is too long.</exception>
    public long Send(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _options.MaxRequestLength)
        {
            QuorumThrowHelper.ThrowRequestTooLong(payload.Length, _options.MaxRequestLength);
        }

        var writer = new WireWriter(_buffer);
        writer.Byte((byte)QuorumMessageType.Request);
        writer.Int64(ClientId);
        writer.Int64(_nextSequence);
        writer.Bytes(payload);
        long result = _streams.Out.Offer(writer.Written);
        return result > 0 ? _nextSequence++ : result;
    }

    /// <summary>Delivers up to <paramref name="limit"/> replies to <paramref name="handler"/>.</summary>
    /// <typeparam name="THandler">The handler (a struct for a direct call).</typeparam>
    /// <param name="handler">Receives each reply.</param>
    /// <param name="limit">The most replies to deliver.</param>
    /// <returns>Replies delivered.</returns>
    public int Poll<THandler>(ref THandler handler, int limit)
        where THandler : IQuorumReplyHandler
    {
        var dispatcher = new ReplyDispatcher<THandler>(ref handler);
        return _streams.In.Poll(ref dispatcher, limit);
    }

    /// <summary>Housekeeping of the streams (call it from the idle loop).</summary>
    /// <returns>Work done.</returns>
    public int DoWork() => _streams.DoWork();

    /// <summary>Tells the replicator this client sends no more (it still answers what it holds).</summary>
    /// <returns>A sequence (&gt; 0) once sent, or a negative <see cref="QueueStatus"/> code (try again).</returns>
    public long SendBye()
    {
        Span<byte> bye = stackalloc byte[1 + 8];
        bye[0] = (byte)QuorumMessageType.Bye;
        BinaryPrimitives.WriteInt64LittleEndian(bye[1..], ClientId);
        return _streams.Out.Offer(bye);
    }

    /// <summary>Waits (driving the housekeeping) until both streams have a link.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>True once connected.</returns>
    public bool WaitForConnection(TimeSpan timeout)
    {
        IIdleStrategy idle = _options.IdleStrategy();
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!IsConnected)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            idle.Idle(DoWork());
        }

        return true;
    }

    /// <summary>Closes the streams (flushing what was sent for a moment).</summary>
    public void Dispose() => _streams.Close(TimeSpan.FromMilliseconds(500));

    /// <summary>Parses each reply message and hands it to the user's handler.</summary>
    private ref struct ReplyDispatcher<THandler> : IMessageHandler
        where THandler : IQuorumReplyHandler
    {
        private ref THandler _handler;

        public ReplyDispatcher(ref THandler handler) => _handler = ref handler;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            if (payload.Length < QuorumOptions.ReplyHeaderLength || payload[0] != (byte)QuorumMessageType.Reply)
            {
                return;
            }

            var reader = new WireReader(payload[1..]);
            long clientSequence = reader.Int64();
            long serviceSequence = reader.Int64();
            var status = (QuorumReplyStatus)reader.Byte();
            _handler.OnReply(new QuorumReply(clientSequence, serviceSequence, status, reader.Rest()));
        }
    }
}
