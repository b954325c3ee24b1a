using RdmaStack.Queues;

namespace RdmaStack.Transport.Handshake;

/// <summary>
/// What one side tells the other once both are authenticated: its port's GID, the queue geometry it was built
/// for, and one <see cref="QueueEndpoint"/> per queue (in the order both sides agree on).
/// </summary>
/// <param name="Geometry">The shape of every queue; both sides must use the same.</param>
/// <param name="Gid">The 16-byte GID of the sender's port (RoCEv2: an IPv4-mapped IPv6 address).</param>
/// <param name="Queues">The sender's queue ends, at most <see cref="ConnectionHandshake.MaxQueues"/>.</param>
public sealed record ConnectionOffer(SegmentedQueueGeometry Geometry, ReadOnlyMemory<byte> Gid, IReadOnlyList<QueueEndpoint> Queues);
