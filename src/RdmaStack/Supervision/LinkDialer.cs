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
        int posted = 0;
        TimeSpan delay = options.ReconnectDelay;
        long upSince = 0;
        try
        {
            while (!closing.IsCancellationRequested)
            {
                // Dial only when the hot thread has the link down and has put in place (or never had) what this
                // dialer handed it last: between taking a connection and marking the link up, the link still reads
                // as down, and dialling then would make a second connection the other side puts in place instead.
                int installed = _link.InstalledGeneration; // read before IsDown: the hot thread marks the link up, then publishes the generation
                bool down = _link.IsDown;
                if (!down || installed < posted || _link.GivenUp)
                {
                    if (!down && upSince == 0)
                    {
                        upSince = Stopwatch.GetTimestamp();
                    }

                    _link.Wake.Wait(100, closing);
                    continue;
                }

                if (upSince != 0)
                {
                    // A link that failed soon after it came up (within a heartbeat timeout: it never proved itself)
                    // waits before it is dialled again, longer each time, so a flapping link is not redialled in a
                    // tight loop. One that stayed up longer starts afresh.
                    if (Stopwatch.GetElapsedTime(upSince) > options.HeartbeatTimeout)
                    {
                        attempts = 0;
                        delay = options.ReconnectDelay;
                    }
                    else
                    {
                        closing.WaitHandle.WaitOne(delay);
                        delay = Next(delay, options);
                    }

                    upSince = 0;
                }

                attempts++;
                try
                {
                    posted = ConnectOnce(closing);
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
                    delay = Next(delay, options);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // closing
        }
    }

    private static TimeSpan Next(TimeSpan delay, FabricOptions options) => delay * 2 < options.MaxReconnectDelay ? delay * 2 : options.MaxReconnectDelay;

    /// <returns>The generation of the connection handed to the hot thread.</returns>
    private int ConnectOnce(CancellationToken closing)
    {
        FabricOptions options = _stream.Fabric.Options;
        long deadline = Environment.TickCount64 + (long)options.ConnectTimeout.TotalMilliseconds;
        (System.Net.EndPoint peer, HandshakeSecret secret) = _stream.ResolvePeer(_link, deadline, closing);
        using ConnectionHandshake handshake = SideChannel.Dial(peer, secret, deadline, closing);
        using CancellationTokenRegistration abort = closing.Register(handshake.Dispose);
        handshake.Authenticate();
        handshake.RequestRoute(new StreamRoute(_stream.Stream, _link.Index, options.Provider, _stream.Role));
        return _stream.Connect(_link, handshake, dials: true, closing);
    }
}
