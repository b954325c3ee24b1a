using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using RdmaStack.Diagnostics;
using RdmaStack.Transport;
using RdmaStack.Transport.Connection;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Supervision;

/// <summary>
/// The dialling side's supervisor of one link of one stream, on a background thread of its own: whenever the hot
/// thread has the link down (never connected, or failed) and no new connection waits for it, it dials the accepting
/// side, authenticates, asks for the stream, lets the provider build the connection (for verbs: waiting for the port
/// to be active again, a fresh device context, new queue pairs) and hands it to the hot thread, which puts it in place
/// on its own thread; the link is then the standby. Failed attempts are retried with a doubling delay, up to
/// <see cref="FabricOptions.MaxReconnectAttempts"/>; then the link is given up (logged), and the stream goes on over
/// its other links.
/// </summary>
internal sealed class LinkDialer : IDisposable
{
    private readonly StreamCore _stream;
    private readonly StreamLink _link;
    private readonly Thread _thread;

    public LinkDialer(StreamCore stream, StreamLink link)
    {
        _stream = stream;
        _link = link;
        _thread = stream.Fabric.Threads.Start(string.Create(CultureInfo.InvariantCulture, $"rdmastack dial {stream.Stream}/{link.Index}"), Run);
    }

    /// <summary>Waits (a bounded time) for the thread to notice the stream is closing.</summary>
    public void Dispose() => _thread.Join(TimeSpan.FromSeconds(5));

    private void Run()
    {
        FabricOptions options = _stream.Fabric.Options;
        CancellationToken closing = _stream.Closing;
        int attempts = 0;
        TimeSpan delay = options.ReconnectDelay;
        long installedAt = 0;
        try
        {
            while (!closing.IsCancellationRequested)
            {
                if (!_link.IsDown || _link.HasPending || _link.GivenUp)
                {
                    if (!_link.IsDown && installedAt == 0)
                    {
                        installedAt = Stopwatch.GetTimestamp();
                    }

                    _link.Wake.Wait(100, closing);
                    continue;
                }

                // A link that failed soon after it came up keeps its back-off: a flapping link is not redialled in a
                // tight loop. One that stayed up for a while starts afresh.
                if (installedAt != 0 && Stopwatch.GetElapsedTime(installedAt) > options.MaxReconnectDelay)
                {
                    attempts = 0;
                    delay = options.ReconnectDelay;
                }

                installedAt = 0;
                attempts++;
                try
                {
                    ConnectOnce(closing);
                    StackMetrics.ConnectAttempts.Add(1, new KeyValuePair<string, object?>("result", "connected"));
                }
                catch (Exception e) when (e is TransportException or IOException or SocketException or ObjectDisposedException)
                {
                    StackMetrics.ConnectAttempts.Add(1, new KeyValuePair<string, object?>("result", "failed"));
                    if (closing.IsCancellationRequested)
                    {
                        return;
                    }

                    if (attempts >= options.MaxReconnectAttempts)
                    {
                        _link.GivenUp = true;
                        LinkLog.GivenUp(_stream.Fabric.Logger, _stream.Side, _stream.Stream, _link.Index, attempts, e.Message);
                        continue;
                    }

                    LinkLog.AttemptFailed(_stream.Fabric.Logger, _stream.Side, _stream.Stream, _link.Index, attempts, (long)delay.TotalMilliseconds, e.Message);
                    closing.WaitHandle.WaitOne(delay);
                    delay = delay * 2 < options.MaxReconnectDelay ? delay * 2 : options.MaxReconnectDelay;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // closing
        }
    }

    private void ConnectOnce(CancellationToken closing)
    {
        FabricOptions options = _stream.Fabric.Options;
        long deadline = Environment.TickCount64 + (long)options.ConnectTimeout.TotalMilliseconds;
        (System.Net.EndPoint peer, HandshakeSecret secret) = _stream.ResolvePeer(_link, deadline, closing);
        using ConnectionHandshake handshake = SideChannel.Dial(peer, secret, deadline, closing);
        using CancellationTokenRegistration abort = closing.Register(handshake.Dispose);
        handshake.Authenticate();
        handshake.RequestRoute(new StreamRoute(_stream.Stream, _link.Index, options.Provider, _stream.Role));
        _stream.Connect(_link, handshake, dials: true, closing);
    }
}
