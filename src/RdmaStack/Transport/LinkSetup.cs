using RdmaStack.Queues;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Transport;

/// <summary>What a provider needs to build one end of a link.</summary>
/// <param name="Stream">The stream's name (for diagnostics and names of shared resources).</param>
/// <param name="Link">The link's index in the stream's failover group.</param>
/// <param name="Options">The link's options (device, port, GID index).</param>
/// <param name="Geometry">The stream's queue shape.</param>
/// <param name="Role">This side's end of the queue: the writer (a publication) or the reader (a subscription).</param>
/// <param name="Dials">True on the side that dialled the side channel (a provider with its own connection manager,
/// such as NetworkDirect's connector, lets this side connect and the other accept).</param>
/// <param name="Deadline">When to give up, in <see cref="Environment.TickCount64"/> milliseconds.</param>
internal sealed record LinkSetup(string Stream, int Link, LinkOptions Options, SegmentedQueueGeometry Geometry, QueueEndpointRole Role, bool Dials, long Deadline)
{
    /// <summary>Wraps each channel the provider makes for the link (tests: a fault injector); null: none.</summary>
    public Func<IRemoteWriteChannel, IRemoteWriteChannel>? DecorateChannel { get; init; }

    /// <summary>Applies <see cref="DecorateChannel"/>.</summary>
    public IRemoteWriteChannel Decorate(IRemoteWriteChannel channel) => DecorateChannel is null ? channel : DecorateChannel(channel);
}
