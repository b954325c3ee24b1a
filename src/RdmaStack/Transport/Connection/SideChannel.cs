using System.Net;
using System.Net.Sockets;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Transport.Connection;

/// <summary>
/// The out-of-band side channel every provider's connection set-up runs over: a TCP connection carrying the
/// authenticated <see cref="ConnectionHandshake"/>. <see cref="Dial"/> is the dialling half; <see cref="LinkListener"/>
/// the listening and accepting half.
/// </summary>
internal static class SideChannel
{
    /// <summary>Dials <paramref name="peer"/>, retrying while nothing listens there yet, and starts a handshake whose
    /// deadline is <paramref name="deadline"/>.</summary>
    /// <param name="peer">The accepting side (an IP or a DNS endpoint).</param>
    /// <param name="secret">The shared secret.</param>
    /// <param name="deadline">Give up at this <see cref="Environment.TickCount64"/>.</param>
    /// <param name="cancellation">Stops the attempts.</param>
    /// <returns>The handshake, not yet authenticated; it owns the connection.</returns>
    /// <exception cref="TransportException">No connection before the deadline; the message names the endpoint and the
    /// last error.</exception>
    public static ConnectionHandshake Dial(EndPoint peer, HandshakeSecret secret, long deadline, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(secret);
        Exception? last = null;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                attempt.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, deadline - Environment.TickCount64)));
                socket.ConnectAsync(peer, attempt.Token).AsTask().GetAwaiter().GetResult();
                return new ConnectionHandshake(new NetworkStream(socket, ownsSocket: true), secret.Bytes, Remaining(deadline));
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.TimedOut
                or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown or SocketError.TryAgain)
            {
                socket.Dispose();
                last = e;
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                cancellation.ThrowIfCancellationRequested();
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            if (Environment.TickCount64 >= deadline)
            {
                throw new TransportException($"could not connect to {peer} ({last?.Message ?? "timed out"}): is the other side running, listening there, and reachable?");
            }

            cancellation.WaitHandle.WaitOne(50);
        }
    }

    /// <summary>What is left until <paramref name="deadline"/>, at least a millisecond.</summary>
    public static TimeSpan Remaining(long deadline) => TimeSpan.FromMilliseconds(Math.Max(1, deadline - Environment.TickCount64));
}
