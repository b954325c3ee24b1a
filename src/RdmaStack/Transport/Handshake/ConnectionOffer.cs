using RdmaStack.Queues;

namespace RdmaStack.Transport.Handshake;

/// <summary>
/// What one side tells the other once both are authenticated: its port's GID and LID, the queue geometry it was
/// built for, and one <see cref="QueueEndpoint"/> per queue (in the order both sides agree on).
/// </summary>
/// <param name="Geometry">The shape of every queue; both sides must use the same.</param>
/// <param name="Gid">The 16-byte GID of the sender's port (RoCE v2: an IPv4-mapped IPv6 address; InfiniBand: the
/// port GID, used only across subnets; NetworkDirect: the adapter's IP address in the same form, IPv4-mapped for IPv4;
/// shared memory: zeros).</param>
/// <param name="Queues">The sender's queue ends, at most <see cref="ConnectionHandshake.MaxQueues"/>.</param>
internal sealed record ConnectionOffer(SegmentedQueueGeometry Geometry, ReadOnlyMemory<byte> Gid, IReadOnlyList<QueueEndpoint> Queues)
{
    /// <summary>The sender's port LID on a native InfiniBand port (what a queue pair addresses there); 0 on RoCE,
    /// where the GID addresses it.</summary>
    public ushort Lid { get; init; }

    /// <summary>The port of the sender's connection listener, at the address <see cref="Gid"/> carries: for NetworkDirect,
    /// the IND2Listener the dialling side connects to; 0 where there is none (the dialling side, shared memory,
    /// verbs).</summary>
    public ushort ListenerPort { get; init; }

    /// <summary>Queue settings both sides must share beyond the geometry (see <see cref="OfferFlags"/>); the
    /// handshake refuses a peer whose flags differ.</summary>
    public byte Flags { get; init; }
}
