using RdmaStack.Failover;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// One end of a link over NetworkDirect: the adapter opened for it, the queue end built on it (registered memory,
/// completion queue, queue pair, connector) and the writer or reader that owns the queue end's channel and region
/// from now on. The connection's disconnect notification, watched off the data path by the provider's
/// <see cref="NetworkDirectDisconnectWatch"/>, is reported as an asynchronous event: the adapter was removed
/// (ND_DEVICE_REMOVED) or the connection went down (aborted, timed out, or closed by the peer).
/// </summary>
/// <remarks>Teardown in reverse creation order: the watch lets go first; then the writer or reader (the channel:
/// IND2Connector::Disconnect, the connector, the queue pair, the completion queue and the source region; then the
/// exposed region), the queue end, and the adapter. The native handles hold references on their parents, so the
/// adapter and the provider object go last whatever the order of the wrappers' disposal.</remarks>
internal sealed class NetworkDirectLinkConnection : ILinkConnection
{
    private readonly NetworkDirectAdapter _adapter;
    private readonly NetworkDirectQueueEnd _end;
    private readonly NetworkDirectChannel _channel;
    private readonly NetworkDirectDisconnectWatch _watch;
    private Action<LinkFailureCause, string>? _sink;
    private bool _disposed;

    /// <summary>Takes over a connected queue end and the adapter it was built on, and hands the end to a writer or a
    /// reader (with <paramref name="decorate"/> around its channel).</summary>
    public NetworkDirectLinkConnection(NetworkDirectAdapter adapter, NetworkDirectQueueEnd end, NetworkDirectDisconnectWatch watch, Func<IRemoteWriteChannel, IRemoteWriteChannel>? decorate, string description)
    {
        _adapter = adapter;
        _end = end;
        _channel = end.Channel;
        _watch = watch;
        Description = description;
        if (end.Role == QueueEndpointRole.Writer)
        {
            Writer = end.CreateWriter(decorate);
        }
        else
        {
            Reader = end.CreateReader(decorate);
        }
    }

    /// <inheritdoc/>
    public SegmentedQueueWriter? Writer { get; }

    /// <inheritdoc/>
    public SegmentedQueueReader? Reader { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>The queue end's channel (not decorated).</summary>
    internal NetworkDirectChannel Channel => _channel;

    /// <inheritdoc/>
    public void ReportFailuresTo(Action<LinkFailureCause, string> sink)
    {
        Volatile.Write(ref _sink, sink);
        _watch.Watch(this);
    }

    /// <summary>The watch's thread: reports the disconnect notification once it has completed.</summary>
    /// <returns>True once reported (the watch then lets the connection go).</returns>
    internal bool CheckDisconnectNotification()
    {
        if (_channel.DisconnectNotification() is not int status)
        {
            return false;
        }

        string what = status == ndstatus.ND_DEVICE_REMOVED ? "the adapter was removed" : "the connection went down";
        Volatile.Read(ref _sink)?.Invoke(
            LinkFailureCause.AsyncEvent,
            $"{_adapter.Name}: {what} (IND2Connector::NotifyDisconnect completed with {NetworkDirectStatus.Describe(status)})");
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _watch.Unwatch(this);
        Writer?.Dispose();
        Reader?.Dispose();
        _end.Dispose();
        _adapter.Dispose();
    }
}
