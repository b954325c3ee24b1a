using RdmaStack.Interop;
using RdmaStack.Queues;
using RdmaStack.Transport.Handshake;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>
/// Builds segmented queues over RDMA verbs: each queue is one RC connection; the reader's ring and the writer's
/// control block are registered for remote write (LOCAL_WRITE | REMOTE_WRITE, nothing more), the writer's
/// mirror and the reader's head source for local access only.
/// </summary>
/// <remarks>
/// <code>
///   this side (e.g. sender)                          peer (receiver)
///   writer: mirror --RDMA WRITE of slots (QP a)--&gt;  reader: ring
///           control &lt;--RDMA WRITE of head (QP b)--          head source
/// </code>
/// One handshake carries every queue of a connection, in both directions.
/// </remarks>
internal static class VerbsProvider
{
    /// <summary>
    /// Authenticates the peer, then (only then) registers memory and creates one queue pair per queue, exchanges
    /// queue pairs, GIDs and regions, brings every queue pair to RTS and confirms with the peer.
    /// </summary>
    /// <param name="device">The opened device (RoCE v2 GID and protection domain).</param>
    /// <param name="handshake">A handshake over a fresh connection to the peer.</param>
    /// <param name="geometry">The shape of every queue; the peer must use the same.</param>
    /// <param name="roles">This side's role in each queue; the peer gives the opposite roles in the same order.</param>
    /// <param name="options">Queue pair settings; null for the defaults.</param>
    /// <param name="decorate">Wraps each queue's channel before the queue is built on it (tests: a fault injector).</param>
    /// <returns>The writers and readers, connected.</returns>
    /// <exception cref="TransportException">The peer was refused or a verbs call failed; the message names the cause.
    /// Nothing is left registered.</exception>
    public static VerbsQueueSet Connect(VerbsDeviceContext device, ConnectionHandshake handshake, SegmentedQueueGeometry geometry, IReadOnlyList<QueueEndpointRole> roles, VerbsOptions? options = null, Func<IRemoteWriteChannel, IRemoteWriteChannel>? decorate = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(handshake);
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(roles);
        options ??= VerbsOptions.Default;
        if (roles.Count is < 1 or > ConnectionHandshake.MaxQueues)
        {
            throw new ArgumentException($"A connection carries 1 to {ConnectionHandshake.MaxQueues} queues.", nameof(roles));
        }

        handshake.Authenticate();
        var built = new List<Pending>(roles.Count);
        try
        {
            for (int i = 0; i < roles.Count; i++)
            {
                built.Add(Create(device, geometry, roles[i], i, options));
            }

            var local = new ConnectionOffer(geometry, device.Gid.ToArray(), built.ConvertAll(p => p.Endpoint))
            {
                Lid = device.Lid,
                Flags = (byte)(OfferFlags.Checksummed | (device.IsInfiniBand ? OfferFlags.InfiniBand : 0)),
            };
            ConnectionOffer peer = handshake.Exchange(local);
            for (int i = 0; i < built.Count; i++)
            {
                built[i].Channel.Connect(peer.Queues[i], peer.Gid.Span, peer.Lid, options);
            }

            handshake.Confirm();
            var writers = new List<SegmentedQueueWriter>();
            var readers = new List<SegmentedQueueReader>();
            foreach (Pending p in built)
            {
                if (p.Endpoint.Role == QueueEndpointRole.Writer)
                {
                    writers.Add(new SegmentedQueueWriter(geometry, decorate?.Invoke(p.Channel) ?? p.Channel, p.Exposed.Region, options.SignalInterval));
                }
                else
                {
                    readers.Add(new SegmentedQueueReader(geometry, p.Exposed.Region, decorate?.Invoke(p.Channel) ?? p.Channel, options.ChecksumRetryLimit) { ChecksumTimeout = options.ChecksumTimeout });
                }
            }

            return new VerbsQueueSet(writers, readers, [.. built.Select(p => p.Channel.QueuePairNumber)]);
        }
        catch
        {
            foreach (Pending p in built)
            {
                p.Channel.Dispose();
                p.Exposed.Region.Dispose();
            }

            throw;
        }
    }

    /// <summary>Bytes of the ring region a reader exposes for <paramref name="geometry"/>.</summary>
    internal static long RingRegionLength(SegmentedQueueGeometry geometry) => geometry.RingRegionLength;

    private static Pending Create(VerbsDeviceContext device, SegmentedQueueGeometry geometry, QueueEndpointRole role, int index, VerbsOptions options)
    {
        const ibv_access_flags RemoteWritable = ibv_access_flags.IBV_ACCESS_LOCAL_WRITE | ibv_access_flags.IBV_ACCESS_REMOTE_WRITE;
        const ibv_access_flags LocalOnly = ibv_access_flags.IBV_ACCESS_LOCAL_WRITE;
        bool writer = role == QueueEndpointRole.Writer;
        long exposedLength = writer ? ControlBlockDescriptor.Length : RingRegionLength(geometry);
        RegisteredMemory exposed = device.Register(exposedLength, RemoteWritable, writer ? $"queue {index} control block" : $"queue {index} ring");
        RegisteredMemory? source = null;
        try
        {
            source = writer
                ? device.Register(RingRegionLength(geometry), LocalOnly, $"queue {index} mirror")
                : device.Register(ControlBlockDescriptor.Length, LocalOnly, $"queue {index} head source");
            var channel = new VerbsChannel(device, source, options, writer ? $"queue {index} slot writes" : $"queue {index} head writes");
            var endpoint = new QueueEndpoint(role, channel.QueuePairNumber, channel.PacketSequenceNumber, exposed.Address, exposed.RemoteKey, exposedLength);
            return new Pending(channel, exposed, endpoint);
        }
        catch
        {
            source?.Region.Dispose();
            exposed.Region.Dispose();
            throw;
        }
    }

    private sealed record Pending(VerbsChannel Channel, RegisteredMemory Exposed, QueueEndpoint Endpoint);
}
