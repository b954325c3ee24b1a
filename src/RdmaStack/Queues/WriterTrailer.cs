namespace RdmaStack.Queues;

/// <summary>One consistent reading of the ring's trailer (see <see cref="RingTrailerDescriptor"/>): the four
/// words the writer sent together in one heartbeat write.</summary>
/// <param name="Heartbeat">The writer's heartbeat counter.</param>
/// <param name="Tail">The last sequence written on this link when the heartbeat was sent.</param>
/// <param name="Epoch">The link's activation epoch (0 if never activated).</param>
/// <param name="State">The writer's state flags (<see cref="RingTrailerDescriptor.WriterClosed"/>).</param>
internal readonly record struct WriterTrailer(long Heartbeat, long Tail, long Epoch, long State)
{
    /// <summary>Whether the writer said it is closed (no message follows its tail).</summary>
    public bool IsClosed => (State & RingTrailerDescriptor.WriterClosed) != 0;
}
