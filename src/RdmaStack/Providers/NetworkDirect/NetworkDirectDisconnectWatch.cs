using RdmaStack.Threading;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// The NetworkDirect provider's watch over its connections, outside the data path: one background thread that looks
/// at each watched connection's disconnect notification (IND2Connector::NotifyDisconnect, which completes when the
/// connection goes down, with ND_DEVICE_REMOVED when its adapter went away) every <see cref="Interval"/>, and has
/// the connection report what it finds (<see cref="NetworkDirectLinkConnection.CheckDisconnectNotification"/>).
/// NetworkDirect v2 has no asynchronous-event call like verbs' ibv_get_async_event; its pending notification is the
/// one word to watch.
/// </summary>
/// <remarks>
/// <para>Why a poll: the notification's OVERLAPPED is read without a call into the provider while it is pending
/// (one acquire read per connection per round), and the same code runs against the loopback test double. An event
/// in the OVERLAPPED would wake the thread at once on Windows, but the provider's file would then need an event per
/// request; the data path checks the same notification at every poll of its completions anyway, so this watch
/// matters for a link whose hot thread does not run (and it reports the device's word rather than a failed post).</para>
/// <para>The thread starts with the first watched connection and waits idle while none is watched.
/// <see cref="Unwatch"/> returns only once the watch no longer touches the connection, so that the connection may
/// release its notification right after. Thread-safe.</para>
/// </remarks>
internal sealed class NetworkDirectDisconnectWatch : IDisposable
{
    private readonly object _gate = new();
    private readonly List<NetworkDirectLinkConnection> _watched = [];
    private readonly BackgroundThreads _threads;
    private Thread? _thread;
    private long _reported;
    private bool _stopping;

    /// <summary>Creates the watch; its thread starts with the first <see cref="Watch"/>.</summary>
    /// <param name="threads">Where the library's threads run.</param>
    /// <param name="interval">How often each connection is looked at (at least 1 ms).</param>
    public NetworkDirectDisconnectWatch(BackgroundThreads threads, TimeSpan interval)
    {
        _threads = threads;
        Interval = interval < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : interval;
    }

    /// <summary>How often each watched connection is looked at.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Disconnect notifications reported so far (each connection reports at most one).</summary>
    public long Reported => Interlocked.Read(ref _reported);

    /// <summary>Watches <paramref name="connection"/> until it reports or is unwatched; nothing once the watch is
    /// disposed (the fabric is closing, and the connection with it).</summary>
    public void Watch(NetworkDirectLinkConnection connection)
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _watched.Add(connection);
            _thread ??= _threads.Start("rdmastack networkdirect watch", Run);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops watching <paramref name="connection"/>; once this returns, the watch does not touch it again.</summary>
    public void Unwatch(NetworkDirectLinkConnection connection)
    {
        lock (_gate)
        {
            _watched.Remove(connection);
        }
    }

    /// <summary>Stops the thread.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_gate)
        {
            _stopping = true;
            _watched.Clear();
            thread = _thread;
            Monitor.PulseAll(_gate);
        }

        thread?.Join();
    }

    private void Run()
    {
        lock (_gate)
        {
            while (!_stopping)
            {
                if (_watched.Count == 0)
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                for (int i = _watched.Count - 1; i >= 0; i--)
                {
                    if (_watched[i].CheckDisconnectNotification())
                    {
                        _watched.RemoveAt(i);
                        Interlocked.Increment(ref _reported);
                    }
                }

                Monitor.Wait(_gate, Interval);
            }
        }
    }
}
