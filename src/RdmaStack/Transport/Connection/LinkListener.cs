using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RdmaStack.Diagnostics;
using RdmaStack.Threading;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Transport.Connection;

/// <summary>
/// The listening and accepting half of the side channel for one link of a fabric: a TCP listener bound to the link's
/// endpoint, and a thread per accepted connection (at most <see cref="FabricOptions.MaxConcurrentHandshakes"/> at once;
/// more are refused at once) that authenticates the peer, reads the stream it asks for, and hands the handshake to
/// that stream's <see cref="ILinkAcceptor"/>. One deadline (<see cref="FabricOptions.ConnectTimeout"/>) bounds each
/// handshake, so a slow or hostile peer holds one thread for that long at most and delays no one else. Every refusal
/// is logged and counted (rdmastack.handshake.refusals).
/// <para>Disposing it aborts the handshakes in progress (their connections closed, the providers' set-up canceled)
/// and waits a bounded time for their threads, so that nothing a handshake built outlives the fabric.</para>
/// </summary>
internal sealed class LinkListener : IDisposable
{
    /// <summary>How long <see cref="Dispose"/> waits for the handshakes in progress to let go.</summary>
    private static readonly TimeSpan s_handshakeGrace = TimeSpan.FromSeconds(10);

    private readonly int _link;
    private readonly TcpListener _listener;
    private readonly HandshakeSecret _secret;
    private readonly FabricOptions _options;
    private readonly ILogger _log;
    private readonly BackgroundThreads _threads;
    private readonly ConcurrentDictionary<(string Stream, QueueEndpointRole Role), ILinkAcceptor> _acceptors = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Thread _acceptLoop;
    private int _inProgress;
    private long _refused;

    public LinkListener(int link, IPEndPoint bind, HandshakeSecret secret, FabricOptions options, ILogger log, BackgroundThreads threads)
    {
        _link = link;
        _secret = secret;
        _options = options;
        _log = log;
        _threads = threads;
        _listener = new TcpListener(bind);
        try
        {
            _listener.Start();
        }
        catch (SocketException e)
        {
            throw new TransportException($"link {link}: cannot listen on {bind} ({e.Message}): is the address this host's, and the port free?", e);
        }

        LocalEndpoint = (IPEndPoint)_listener.LocalEndpoint;
        LinkLog.Listening(_log, link, LocalEndpoint);
        _acceptLoop = threads.Start(string.Create(CultureInfo.InvariantCulture, $"rdmastack accept {link}"), AcceptLoop);
    }

    /// <summary>Where the listener accepts (with the port it got).</summary>
    public IPEndPoint LocalEndpoint { get; }

    /// <summary>The secret the listener checks.</summary>
    public HandshakeSecret Secret => _secret;

    /// <summary>Connections refused so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Routes connections for <paramref name="stream"/> whose local end is <paramref name="localRole"/> to
    /// <paramref name="acceptor"/>.</summary>
    /// <exception cref="InvalidOperationException">That stream and role are taken.</exception>
    public void Register(string stream, QueueEndpointRole localRole, ILinkAcceptor acceptor)
    {
        if (!_acceptors.TryAdd((stream, localRole), acceptor))
        {
            throw new InvalidOperationException($"The stream '{stream}' already has a {(localRole == QueueEndpointRole.Reader ? "subscription" : "publication")} on this fabric.");
        }
    }

    /// <summary>Stops routing to the acceptor of <paramref name="stream"/> and <paramref name="localRole"/>.</summary>
    public void Unregister(string stream, QueueEndpointRole localRole) => _acceptors.TryRemove((stream, localRole), out _);

    /// <inheritdoc/>
    public void Dispose()
    {
        _closing.Cancel();
        _listener.Stop();
        _acceptLoop.Join();
        if (!SpinWait.SpinUntil(() => Volatile.Read(ref _inProgress) == 0, s_handshakeGrace))
        {
            LinkLog.HandshakesStillRunning(_log, _link, Volatile.Read(ref _inProgress));
        }

        _closing.Dispose();
    }

    private void AcceptLoop()
    {
        while (!_closing.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = _listener.AcceptSocket();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            string remote = socket.RemoteEndPoint?.ToString() ?? "?";
            if (Interlocked.Increment(ref _inProgress) > _options.MaxConcurrentHandshakes)
            {
                Interlocked.Decrement(ref _inProgress);
                socket.Dispose();
                Refuse(remote, string.Create(CultureInfo.InvariantCulture, $"{_options.MaxConcurrentHandshakes} handshakes are in progress already"));
                continue;
            }

            try
            {
                _threads.Start(string.Create(CultureInfo.InvariantCulture, $"rdmastack handshake {_link}"), () => Serve(socket, remote));
            }
            catch
            {
                Interlocked.Decrement(ref _inProgress);
                socket.Dispose();
                throw;
            }
        }
    }

    private void Serve(Socket socket, string remote)
    {
        try
        {
            socket.NoDelay = true;
            using var handshake = new ConnectionHandshake(new NetworkStream(socket, ownsSocket: true), _secret.Bytes, _options.ConnectTimeout);
            using CancellationTokenRegistration abort = _closing.Token.Register(handshake.Dispose);
            handshake.Authenticate();
            StreamRoute route = handshake.ReceiveRoute();
            QueueEndpointRole localRole = route.DialerRole == QueueEndpointRole.Writer ? QueueEndpointRole.Reader : QueueEndpointRole.Writer;
            string? refusal =
                route.Provider != _options.Provider ? $"the peer speaks {route.Provider}, this fabric {_options.Provider}"
                : route.Link != _link ? string.Create(CultureInfo.InvariantCulture, $"this endpoint serves link {_link}, the peer asked for link {route.Link}")
                : !_acceptors.ContainsKey((route.Stream, localRole)) ? $"no {(localRole == QueueEndpointRole.Reader ? "subscription" : "publication")} of stream '{route.Stream}' here"
                : null;
            if (refusal is not null)
            {
                handshake.AnswerRoute(refusal);
                Refuse(remote, refusal);
                return;
            }

            _acceptors[(route.Stream, localRole)].Accept(handshake, route, _closing.Token);
        }
        catch (TransportException e)
        {
            Refuse(remote, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_closing.IsCancellationRequested)
            {
                Refuse(remote, e.Message);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inProgress);
        }
    }

    private void Refuse(string remote, string message)
    {
        Interlocked.Increment(ref _refused);
        StackMetrics.HandshakeRefusals.Add(1, new KeyValuePair<string, object?>("link", _link));
        LinkLog.Refused(_log, _link, remote, message);
    }
}
