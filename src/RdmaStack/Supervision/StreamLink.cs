using RdmaStack.Failover;
using RdmaStack.Transport;
using RdmaStack.Transport.Connection;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Supervision;

/// <summary>
/// One link of one stream: where the background threads that build connections (a <see cref="LinkDialer"/> on the
/// dialling side, a <see cref="LinkListener"/>'s handshake thread on the accepting side) meet the stream's hot thread,
/// which alone puts a connection in place (ReplaceLink) and alone declares failures.
/// </summary>
/// <remarks>
/// <para>Background to hot thread, without locks or allocation on the hot thread's side: a built connection is posted
/// into one slot (<see cref="Post"/>, a newer one replaces one not yet taken); a failure the device reported for a
/// connection is posted as a request tagged with that connection's generation (<see cref="RequestFailure"/>), so a
/// late event about a replaced connection is ignored. Each post bumps the stream's signal counter, the one word the
/// hot thread checks.</para>
/// <para>Hot thread to background: <see cref="IsDown"/> (the link failed or was never connected) and
/// <see cref="InstalledGeneration"/>; a change of either wakes the dialer.</para>
/// </remarks>
internal sealed class StreamLink : ILinkAcceptor, IDisposable
{
    private readonly StreamCore _stream;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private PendingConnection? _pending;
    private FailureRequest? _failure;
    private int _generation;
    private int _installedGeneration;
    private volatile bool _down = true;
    private bool _closed;

    public StreamLink(StreamCore stream, int index, LinkOptions options, bool dials)
    {
        _stream = stream;
        Index = index;
        Options = options;
        Dials = dials;
    }

    /// <summary>The link's index.</summary>
    public int Index { get; }

    /// <summary>The link's options.</summary>
    public LinkOptions Options { get; }

    /// <summary>True on the side that dials (and re-establishes) the link.</summary>
    public bool Dials { get; }

    /// <summary>True while the link has failed or was never connected (hot thread's view).</summary>
    public bool IsDown => _down;

    /// <summary>The generation of the connection in place (0: none yet); written by the hot thread.</summary>
    public int InstalledGeneration => Volatile.Read(ref _installedGeneration);

    /// <summary>The connection in place (hot thread only).</summary>
    public ILinkConnection? Current { get; private set; }

    /// <summary>True once the dialler gave the link up.</summary>
    public bool GivenUp { get; set; }

    /// <summary>Released when the hot thread's view of the link changes (the dialer waits on it).</summary>
    public SemaphoreSlim Wake => _wake;

    /// <summary>Background: hands a built connection to the hot thread. A connection posted after the stream closed,
    /// or replaced before the hot thread took it, is disposed.</summary>
    /// <returns>The connection's generation, or 0 if it was disposed because the stream is closed.</returns>
    public int Post(ILinkConnection connection)
    {
        PendingConnection? replaced;
        int generation;
        lock (_gate)
        {
            if (_closed)
            {
                connection.Dispose();
                return 0;
            }

            generation = ++_generation;
            connection.ReportFailuresTo((cause, reason) => RequestFailure(generation, cause, reason));
            replaced = Interlocked.Exchange(ref _pending, new PendingConnection(connection, generation));
        }

        replaced?.Connection.Dispose();
        _stream.Signal();
        return generation;
    }

    /// <summary>Any thread: asks the hot thread to declare the connection of <paramref name="generation"/> failed.</summary>
    public void RequestFailure(int generation, LinkFailureCause cause, string reason)
    {
        Volatile.Write(ref _failure, new FailureRequest(generation, cause, reason));
        _stream.Signal();
    }

    /// <summary>Hot thread: the connection posted last, if any.</summary>
    public PendingConnection? TakePending() => Volatile.Read(ref _pending) is null ? null : Interlocked.Exchange(ref _pending, null);

    /// <summary>Hot thread: the failure asked for the connection in place, if any (requests about older connections
    /// are dropped).</summary>
    public FailureRequest? TakeFailure()
    {
        FailureRequest? request = Volatile.Read(ref _failure) is null ? null : Interlocked.Exchange(ref _failure, null);
        return request is not null && request.Generation == _installedGeneration ? request : null;
    }

    /// <summary>Hot thread: <paramref name="connection"/> is in place.</summary>
    /// <returns>The connection it replaced (to be disposed off the hot thread), or null.</returns>
    public ILinkConnection? Installed(PendingConnection connection)
    {
        ILinkConnection? old = Current;
        Current = connection.Connection;
        SetDown(false); // before the generation: a dialer that sees the generation sees the link up (see LinkDialer)
        Volatile.Write(ref _installedGeneration, connection.Generation);
        return old;
    }

    /// <summary>Hot thread: the link failed (or came up again).</summary>
    public void SetDown(bool down)
    {
        if (_down != down)
        {
            _down = down;
            _wake.Release();
        }
    }

    /// <summary>Whether a built connection waits for the hot thread.</summary>
    public bool HasPending => Volatile.Read(ref _pending) is not null;

    /// <inheritdoc/>
    public void Accept(ConnectionHandshake handshake, StreamRoute route, CancellationToken cancellation)
    {
        handshake.AnswerRoute(null);
        _stream.Connect(this, handshake, dials: false, cancellation);
    }

    /// <summary>Stops taking connections and disposes the ones that were never put in place (the stream disposes
    /// <see cref="Current"/>).</summary>
    public void Dispose()
    {
        PendingConnection? pending;
        lock (_gate)
        {
            _closed = true;
            pending = Interlocked.Exchange(ref _pending, null);
        }

        pending?.Connection.Dispose();
        _wake.Release();
    }

    /// <summary>The hot thread disposes nothing; at the end the stream disposes the connection in place.</summary>
    public void DisposeCurrent()
    {
        Current?.Dispose();
        Current = null;
    }

    /// <summary>A connection waiting for the hot thread.</summary>
    internal sealed record PendingConnection(ILinkConnection Connection, int Generation);

    /// <summary>A failure reported outside the data path for the connection of <see cref="Generation"/>.</summary>
    internal sealed record FailureRequest(int Generation, LinkFailureCause Cause, string Reason);
}
