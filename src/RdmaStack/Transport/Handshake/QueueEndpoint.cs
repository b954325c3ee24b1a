namespace RdmaStack.Transport.Handshake;

/// <summary>
/// One side's end of one queue, as the handshake carries it: the queue pair that end posts on, its first packet
/// sequence number, and the region the peer may write into (address, remote key, size).
/// </summary>
/// <param name="Role">Writer (region = control block) or reader (region = ring).</param>
/// <param name="QueuePairNumber">The queue pair number (24 bits on the wire of RoCE; 0 for providers without one).</param>
/// <param name="PacketSequenceNumber">The first packet sequence number this end sends with (24 bits).</param>
/// <param name="RegionAddress">The address the peer targets in its writes (for verbs, the MR's virtual address).</param>
/// <param name="RegionKey">The key that grants the peer remote write into the region (the rkey).</param>
/// <param name="RegionLength">The size of the region in bytes.</param>
internal readonly record struct QueueEndpoint(
    QueueEndpointRole Role,
    uint QueuePairNumber,
    uint PacketSequenceNumber,
    ulong RegionAddress,
    uint RegionKey,
    long RegionLength);
