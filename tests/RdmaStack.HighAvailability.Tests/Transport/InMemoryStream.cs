using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Transport;
using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Tests.Transport;

/// <summary>
/// An in-process stream with the transport's semantics: in order, each message once, bounded capacity with
/// back-pressure, a message-size limit, and a writer that can die (what it sent stays readable, as RDMA writes
/// that landed do, unless the death drops it) or a reader that can die (offers then find no peer).
/// One writer thread and one reader thread.
/// </summary>
internal sealed class InMemoryStream : IMessageStreamOut, IMessageStreamIn
{
    private readonly Lock _lock = new();
    private readonly Queue<(byte[] Message, long Sequence)> _queue = new();
    private readonly int _capacity;
    private long _nextSequence = 1;
    private bool _writerDead;
    private bool _readerDead;

    public InMemoryStream(int maxMessageLength = 1024, int capacity = 64)
    {
        MaxMessageLength = maxMessageLength;
        _capacity = capacity;
    }

    public int MaxMessageLength { get; }

    public long Offered { get; private set; }

    /// <summary>Replies offered (messages of type Reply), leaving out a primary's term announcements.</summary>
    public long RepliesOffered { get; private set; }

    /// <summary>While set, nothing is delivered (a slow or stalled link); offers still queue.</summary>
    public bool Held { get; set; }

    public long Offer(ReadOnlySpan<byte> message)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, MaxMessageLength, nameof(message));
        lock (_lock)
        {
            if (_writerDead)
            {
                return QueueStatus.Closed;
            }

            if (_readerDead)
            {
                return QueueStatus.NotConnected;
            }

            if (_queue.Count >= _capacity)
            {
                return QueueStatus.BackPressured;
            }

            _queue.Enqueue((message.ToArray(), _nextSequence));
            Offered++;
            RepliesOffered += message.Length > 0 && message[0] == (byte)MessageType.Reply ? 1 : 0;
            return _nextSequence++;
        }
    }

    public int DoWork() => 0;

    public int Poll<THandler>(ref THandler handler, int limit)
        where THandler : IMessageHandler, allows ref struct
    {
        int delivered = 0;
        while (delivered < limit && !Held)
        {
            (byte[] Message, long Sequence) next;
            lock (_lock)
            {
                if (_readerDead || !_queue.TryDequeue(out next))
                {
                    break;
                }
            }

            handler.OnMessage(next.Message, next.Sequence);
            delivered++;
        }

        return delivered;
    }

    public bool IsPeerClosed
    {
        get
        {
            lock (_lock)
            {
                return _writerDead && _queue.Count == 0;
            }
        }
    }

    /// <summary>The writer dies: no more offers; what it sent stays readable unless <paramref name="dropUndelivered"/>.</summary>
    public void KillWriter(bool dropUndelivered = false)
    {
        lock (_lock)
        {
            _writerDead = true;
            if (dropUndelivered)
            {
                _queue.Clear();
            }
        }
    }

    /// <summary>The reader dies: nothing more is delivered and offers find no peer.</summary>
    public void KillReader()
    {
        lock (_lock)
        {
            _readerDead = true;
            _queue.Clear();
        }
    }
}
