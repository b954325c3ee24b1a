using System.Net;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// This side's end of one segmented queue over NetworkDirect, set up in two steps that a provider contract can
/// call around its authenticated side channel: <see cref="Create"/> makes the local end (completion queue, queue
/// pair, registered memory and, on the accepting side, a listening IND2Listener) and returns in <see cref="Offer"/>
/// what the peer needs; <see cref="Connect"/> then connects it to the peer's end, and <see cref="CreateWriter"/> or
/// <see cref="CreateReader"/> hands the connected end to the queue layer.
/// </summary>
/// <remarks>
/// <code>
///   writer end (e.g. sender)                                reader end (receiver)
///   mirror    --IND2QueuePair::Write of slots--------------&gt;  ring           (ND_MR_FLAG_ALLOW_REMOTE_WRITE)
///   control   &lt;--IND2QueuePair::Write of the head----------  head source
///   (ND_MR_FLAG_ALLOW_REMOTE_WRITE)
/// </code>
/// <para>Only the region the peer writes into (a reader's ring, a writer's control block) is registered with
/// ND_MR_FLAG_ALLOW_REMOTE_WRITE; the source of this side's writes (a writer's mirror, a reader's head source) is
/// registered for local access only.</para>
/// <para>Until it is handed over, the end owns everything it made; <see cref="Dispose"/> releases what was not
/// handed over, in reverse creation order. Set-up path; not thread-safe.</para>
/// </remarks>
internal sealed partial class NetworkDirectQueueEnd : IDisposable
{
    private readonly NetworkDirectAdapter _adapter;
    private readonly SegmentedQueueGeometry _geometry;
    private readonly NetworkDirectConnectionOptions _options;
    private readonly NetworkDirectRegisteredMemory _exposed;
    private readonly NetworkDirectChannel _channel;
    private NetworkDirectObjectHandle? _listener;
    private bool _connected;
    private bool _handedOver;
    private bool _disposed;

    private NetworkDirectQueueEnd(NetworkDirectAdapter adapter, SegmentedQueueGeometry geometry, QueueEndpointRole role, int index, NetworkDirectConnectionSide side, NetworkDirectConnectionOptions options, NetworkDirectRegisteredMemory exposed, NetworkDirectChannel channel)
    {
        _adapter = adapter;
        _geometry = geometry;
        _options = options;
        _exposed = exposed;
        _channel = channel;
        Role = role;
        Index = index;
        Side = side;
    }

    /// <summary>This end's role in the queue.</summary>
    public QueueEndpointRole Role { get; }

    /// <summary>The queue's index in the connection.</summary>
    public int Index { get; }

    /// <summary>Whether this end dials or accepts.</summary>
    public NetworkDirectConnectionSide Side { get; }

    /// <summary>What the peer needs: set once <see cref="Create"/> returns.</summary>
    public NetworkDirectQueueOffer Offer { get; private set; } = null!;

    /// <summary>The end's channel (for its <see cref="NetworkDirectChannel.Failure"/> and inline settings).</summary>
    public NetworkDirectChannel Channel => _channel;

    /// <summary>The region the peer writes into.</summary>
    public NetworkDirectRegisteredMemory Exposed => _exposed;

    /// <summary>Connection requests refused because their private data did not prove the handshake.</summary>
    public int RefusedRequests { get; private set; }

    /// <summary>Makes this side's end of queue <paramref name="index"/>: registers the exposed region (remote write)
    /// and the source (local only), creates the completion queue and queue pair and, when this side accepts, a
    /// listener bound to the adapter's address on a port the provider picks.</summary>
    /// <exception cref="TransportException">A call failed; nothing is left registered.</exception>
    public static NetworkDirectQueueEnd Create(NetworkDirectAdapter adapter, SegmentedQueueGeometry geometry, QueueEndpointRole role, int index, NetworkDirectConnectionSide side, NetworkDirectConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, ushort.MaxValue);
        options ??= NetworkDirectConnectionOptions.Default;
        uint privateData = side == NetworkDirectConnectionSide.Dial ? adapter.Info.MaxCallerData : adapter.Info.MaxCalleeData;
        if (privateData < NetworkDirectConnectionProof.Length)
        {
            throw new TransportException(
                $"{adapter.Name}: the adapter carries {privateData} B of private data with a {(side == NetworkDirectConnectionSide.Dial ? "connection request" : "connection acceptance")}; the handshake's proof needs {NetworkDirectConnectionProof.Length} B.");
        }

        bool writer = role == QueueEndpointRole.Writer;
        long exposedLength = writer ? ControlBlockDescriptor.Length : geometry.RingRegionLength;
        long sourceLength = writer ? geometry.RingRegionLength : ControlBlockDescriptor.Length;
        NetworkDirectRegisteredMemory exposed = adapter.Register(
            exposedLength, nddef.ND_MR_FLAG_ALLOW_REMOTE_WRITE, writer ? $"queue {index} control block" : $"queue {index} ring", options.SetupTimeout);
        NetworkDirectRegisteredMemory? source = null;
        NetworkDirectChannel? channel = null;
        try
        {
            source = adapter.Register(
                sourceLength, nddef.ND_MR_FLAG_ALLOW_LOCAL_WRITE, writer ? $"queue {index} mirror" : $"queue {index} head source", options.SetupTimeout);
            channel = new NetworkDirectChannel(adapter, source, options, writer ? $"queue {index} slot writes" : $"queue {index} head writes");
            var end = new NetworkDirectQueueEnd(adapter, geometry, role, index, side, options, exposed, channel);
            IPEndPoint? listener = side == NetworkDirectConnectionSide.Accept ? end.Listen() : null;
            end.Offer = new NetworkDirectQueueOffer(role, index, exposed.Address, exposed.RemoteToken, exposedLength, listener);
            return end;
        }
        catch
        {
            if (channel is not null)
            {
                channel.Dispose();
            }
            else
            {
                source?.Region.Dispose();
            }

            exposed.Region.Dispose();
            throw;
        }
    }

    /// <summary>The writer of a connected writer end; the writer owns the channel and the control block from now on.</summary>
    /// <param name="decorate">Wraps the channel (tests: a fault injector); null: none.</param>
    /// <exception cref="InvalidOperationException">The end is a reader's, not connected, or already handed over.</exception>
    public SegmentedQueueWriter CreateWriter(Func<IRemoteWriteChannel, IRemoteWriteChannel>? decorate = null)
    {
        HandOver(QueueEndpointRole.Writer);
        return new SegmentedQueueWriter(_geometry, decorate is null ? _channel : decorate(_channel), _exposed.Region, _options.SignalInterval);
    }

    /// <summary>The reader of a connected reader end; the reader owns the channel and the ring from now on.</summary>
    /// <param name="decorate">Wraps the channel (tests: a fault injector); null: none.</param>
    /// <exception cref="InvalidOperationException">The end is a writer's, not connected, or already handed over.</exception>
    public SegmentedQueueReader CreateReader(Func<IRemoteWriteChannel, IRemoteWriteChannel>? decorate = null)
    {
        HandOver(QueueEndpointRole.Reader);
        return new SegmentedQueueReader(_geometry, _exposed.Region, decorate is null ? _channel : decorate(_channel), _options.ChecksumRetryLimit) { ChecksumTimeout = _options.ChecksumTimeout };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _listener?.Dispose();
        if (!_handedOver)
        {
            _channel.Dispose();
            _exposed.Region.Dispose();
        }
    }

    private void HandOver(QueueEndpointRole role)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Role != role || !_connected || _handedOver)
        {
            throw new InvalidOperationException(
                $"Queue {Index}: this is the {Role.ToString().ToLowerInvariant()} end, {(_connected ? "connected" : "not connected")}{(_handedOver ? ", already handed over" : string.Empty)}; a {role.ToString().ToLowerInvariant()} needs a connected {role.ToString().ToLowerInvariant()} end.");
        }

        _handedOver = true;
    }
}
