using System.Net;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Transport;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>Connection set-up: the accepting side's listener, and the dial or accept of <see cref="Connect"/>.</summary>
internal sealed partial class NetworkDirectQueueEnd
{
    private const int MaxPrivateData = 256;

    /// <summary>
    /// Connects this end to the peer's: the dialling side connects to the peer's listener, proving with its private
    /// data that it took part in the handshake whose key is <paramref name="bindingKey"/>, checks the acceptor's proof
    /// and completes the connection; the accepting side takes connection requests from its listener, refuses any
    /// whose private data does not prove the handshake (and waits for the next), and accepts the one that does.
    /// Then the dialling side sends one zero-byte message, which the accepting side receives: iWARP lets the
    /// passive side send nothing before the active side's first message, and on every transport it tells each side
    /// that the other is connected, so neither writes too early. Blocks until connected.
    /// </summary>
    /// <param name="peer">The peer's offer for the same queue (received on the authenticated side channel).</param>
    /// <param name="bindingKey">A key both sides derived from the authenticated handshake (at least 16 bytes).</param>
    /// <param name="deadline">When to give up, in <see cref="Environment.TickCount64"/> milliseconds; null: the
    /// options' SetupTimeout from now.</param>
    /// <param name="cancellation">Gives up at once (the fabric is closing): the pending request is canceled and
    /// everything made for the connection released.</param>
    /// <exception cref="ArgumentException">The offer is not the other end of this queue, or the key is short.</exception>
    /// <exception cref="TransportException">A call failed, a proof was wrong, or a step timed out (the message
    /// names the step and the ND status).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was signalled.</exception>
    public void Connect(NetworkDirectQueueOffer peer, ReadOnlySpan<byte> bindingKey, long? deadline = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connected)
        {
            throw new InvalidOperationException($"Queue {Index} is connected already.");
        }

        if (bindingKey.Length < NetworkDirectConnectionProof.MinKeyLength)
        {
            throw new ArgumentException($"The binding key must be at least {NetworkDirectConnectionProof.MinKeyLength} bytes, got {bindingKey.Length}.", nameof(bindingKey));
        }

        if (peer.Role == Role || peer.Index != Index)
        {
            throw new ArgumentException($"The peer's offer is the {peer.Role.ToString().ToLowerInvariant()} end of queue {peer.Index}; this is the {Role.ToString().ToLowerInvariant()} end of queue {Index}.", nameof(peer));
        }

        if (Side == NetworkDirectConnectionSide.Dial && peer.Listener is null)
        {
            throw new ArgumentException($"Queue {Index}: this side dials, but the peer's offer names no listener (both sides dial?).", nameof(peer));
        }

        long giveUp = deadline ?? Environment.TickCount64 + (long)_options.SetupTimeout.TotalMilliseconds;
        var disconnect = new NetworkDirectOverlapped();
        NetworkDirectObjectHandle? connector = null;
        try
        {
            connector = Side == NetworkDirectConnectionSide.Dial ? Dial(peer, bindingKey, giveUp, cancellation) : AcceptOne(bindingKey, giveUp, cancellation);
            int status = _channel.WaitForSetupResult(giveUp, cancellation);
            if (status != ndstatus.ND_SUCCESS)
            {
                cancellation.ThrowIfCancellationRequested();
                throw Failed(Side == NetworkDirectConnectionSide.Dial ? "the first Send to the acceptor" : "the receive of the dialler's first message", status, status == ndstatus.ND_TIMEOUT);
            }

            unsafe
            {
                var nd = connector.As<IND2Connector>();
                status = nd->NotifyDisconnect(disconnect.Reset());
            }

            if (status != ndstatus.ND_PENDING)
            {
                throw Failed("IND2Connector::NotifyDisconnect (the connection went down during set-up)", status, timedOut: false);
            }

            _channel.Attach(peer, connector, disconnect);
            _connected = true;
            _listener?.Dispose();
            _listener = null;
        }
        catch
        {
            if (connector is not null)
            {
                CloseQuietly(connector);
            }

            disconnect.Dispose();
            throw;
        }
    }

    /// <summary>Disconnects a connector that may have connected before a later step failed, then releases it.</summary>
    private static unsafe void CloseQuietly(NetworkDirectObjectHandle connector)
    {
        var nd = connector.As<IND2Connector>();
        using (var overlapped = new NetworkDirectOverlapped())
        {
            overlapped.Complete((IND2Overlapped*)nd, nd->Disconnect(overlapped.Reset()), NetworkDirectOverlapped.TeardownTimeout);
        }

        connector.Dispose();
    }

    /// <summary>Binds a listener to the adapter's address on a port the provider picks, listens, and returns where.</summary>
    private unsafe IPEndPoint Listen()
    {
        NetworkDirectObjectHandle listener = _adapter.CreateListener();
        try
        {
            var nd = listener.As<IND2Listener>();
            byte* address = stackalloc byte[NetworkDirectSocketAddress.MaxLength];
            int length = NetworkDirectSocketAddress.Write(new IPEndPoint(_adapter.Address, 0), address);
            int status = nd->Bind((SOCKADDR*)address, (uint)length);
            if (status != ndstatus.ND_SUCCESS)
            {
                throw NetworkDirectStatus.Failed(_adapter.Name, $"IND2Listener::Bind to {_adapter.Address} for queue {Index}", status);
            }

            status = nd->Listen(0);
            if (status != ndstatus.ND_SUCCESS)
            {
                throw NetworkDirectStatus.Failed(_adapter.Name, $"IND2Listener::Listen for queue {Index}", status);
            }

            uint size = NetworkDirectSocketAddress.MaxLength;
            status = nd->GetLocalAddress((SOCKADDR*)address, &size);
            IPEndPoint? bound = status == ndstatus.ND_SUCCESS ? NetworkDirectSocketAddress.Read((SOCKADDR*)address, (int)size) : null;
            if (bound is null)
            {
                throw NetworkDirectStatus.Failed(_adapter.Name, $"IND2Listener::GetLocalAddress for queue {Index}", status);
            }

            _listener = listener;
            return bound;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>The active side: Bind, Connect with this side's proof, check the acceptor's proof, CompleteConnect,
    /// then the first (zero-byte) Send.</summary>
    private unsafe NetworkDirectObjectHandle Dial(NetworkDirectQueueOffer peer, ReadOnlySpan<byte> key, long deadline, CancellationToken cancellation)
    {
        NetworkDirectObjectHandle connector = _adapter.CreateConnector(_channel.QueuePair);
        try
        {
            var nd = connector.As<IND2Connector>();
            byte* address = stackalloc byte[NetworkDirectSocketAddress.MaxLength];
            int length = NetworkDirectSocketAddress.Write(new IPEndPoint(_adapter.Address, 0), address);
            int status = nd->Bind((SOCKADDR*)address, (uint)length);
            if (status != ndstatus.ND_SUCCESS)
            {
                throw Failed($"IND2Connector::Bind to {_adapter.Address}", status, timedOut: false);
            }

            length = NetworkDirectSocketAddress.Write(peer.Listener!, address);
            byte* proof = stackalloc byte[NetworkDirectConnectionProof.Length];
            NetworkDirectConnectionProof.Write(new Span<byte>(proof, NetworkDirectConnectionProof.Length), NetworkDirectConnectionSide.Dial, Index, key);
            using var overlapped = new NetworkDirectOverlapped();
            status = nd->Connect(_channel.QueuePair.Unknown, (SOCKADDR*)address, (uint)length, 0, 0, proof, NetworkDirectConnectionProof.Length, overlapped.Reset());
            status = overlapped.Complete((IND2Overlapped*)nd, status, Remaining(deadline), cancellation);
            if (status != ndstatus.ND_SUCCESS)
            {
                cancellation.ThrowIfCancellationRequested();
                throw Failed($"IND2Connector::Connect to {peer.Listener}", status, overlapped.TimedOut);
            }

            string? problem = NetworkDirectConnectionProof.Check(PrivateData(nd), NetworkDirectConnectionSide.Accept, Index, key);
            if (problem is not null)
            {
                nd->Reject(null, 0);
                throw new TransportException($"{_adapter.Name}: queue {Index}: the listener at {peer.Listener} answered without this handshake's proof ({problem}); connection rejected.");
            }

            status = overlapped.Complete((IND2Overlapped*)nd, nd->CompleteConnect(overlapped.Reset()), Remaining(deadline), cancellation);
            if (status != ndstatus.ND_SUCCESS)
            {
                cancellation.ThrowIfCancellationRequested();
                throw Failed("IND2Connector::CompleteConnect", status, overlapped.TimedOut);
            }

            status = _channel.PostSetupMessage(NetworkDirectConnectionSide.Dial);
            return status == ndstatus.ND_SUCCESS ? connector : throw Failed("IND2QueuePair::Send of the first message", status, timedOut: false);
        }
        catch
        {
            connector.Dispose();
            throw;
        }
    }

    /// <summary>The passive side: takes connection requests from the listener until one proves the handshake
    /// (refusing the others), posts the receive of the dialler's first message, and accepts.</summary>
    private unsafe NetworkDirectObjectHandle AcceptOne(ReadOnlySpan<byte> key, long deadline, CancellationToken cancellation)
    {
        var listener = _listener!.As<IND2Listener>();
        using var overlapped = new NetworkDirectOverlapped();
        byte* proof = stackalloc byte[NetworkDirectConnectionProof.Length];
        NetworkDirectConnectionProof.Write(new Span<byte>(proof, NetworkDirectConnectionProof.Length), NetworkDirectConnectionSide.Accept, Index, key);
        while (true)
        {
            NetworkDirectObjectHandle connector = _adapter.CreateConnector(_channel.QueuePair);
            try
            {
                var nd = connector.As<IND2Connector>();
                int status = listener->GetConnectionRequest(connector.Unknown, overlapped.Reset());
                status = overlapped.Complete((IND2Overlapped*)listener, status, Remaining(deadline), cancellation);
                if (status != ndstatus.ND_SUCCESS)
                {
                    cancellation.ThrowIfCancellationRequested();
                    throw overlapped.TimedOut
                        ? new TransportException($"{_adapter.Name}: queue {Index}: no connection request that proves the handshake reached the listener at {Offer.Listener} within {_options.SetupTimeout.TotalSeconds:0.###} s ({RefusedRequests} refused).")
                        : Failed("IND2Listener::GetConnectionRequest", status, timedOut: false);
                }

                if (NetworkDirectConnectionProof.Check(PrivateData(nd), NetworkDirectConnectionSide.Dial, Index, key) is not null)
                {
                    // A stranger (or a peer of another handshake): refuse it and keep listening for the real peer.
                    nd->Reject(null, 0);
                    RefusedRequests++;
                    connector.Dispose();
                    continue;
                }

                status = _channel.PostSetupMessage(NetworkDirectConnectionSide.Accept);
                if (status != ndstatus.ND_SUCCESS)
                {
                    throw Failed("IND2QueuePair::Receive of the first message", status, timedOut: false);
                }

                status = nd->Accept(_channel.QueuePair.Unknown, 0, 0, proof, NetworkDirectConnectionProof.Length, overlapped.Reset());
                status = overlapped.Complete((IND2Overlapped*)nd, status, Remaining(deadline), cancellation);
                if (status != ndstatus.ND_SUCCESS)
                {
                    cancellation.ThrowIfCancellationRequested();
                    throw Failed("IND2Connector::Accept", status, overlapped.TimedOut);
                }

                return connector;
            }
            catch
            {
                connector.Dispose();
                throw;
            }
        }
    }

    private static unsafe byte[] PrivateData(IND2Connector* connector)
    {
        byte* buffer = stackalloc byte[MaxPrivateData];
        uint size = MaxPrivateData;
        int status = connector->GetPrivateData(buffer, &size);
        return status is ndstatus.ND_SUCCESS or ndstatus.ND_BUFFER_OVERFLOW ? new ReadOnlySpan<byte>(buffer, (int)Math.Min(size, MaxPrivateData)).ToArray() : [];
    }

    private static TimeSpan Remaining(long deadline) => TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));

    private TransportException Failed(string operation, int status, bool timedOut) =>
        timedOut
            ? new TransportException($"{_adapter.Name}: queue {Index}: {operation} did not complete within {_options.SetupTimeout.TotalSeconds:0.###} s ({NetworkDirectStatus.Describe(status)}).")
            : NetworkDirectStatus.Failed($"{_adapter.Name}: queue {Index}", operation, status);
}
