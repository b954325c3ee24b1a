using System.Globalization;
using System.Security.Cryptography;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Providers.SharedMemory;

/// <summary>
/// The shared-memory provider behind the <see cref="ITransportProvider"/> contract. Each side of a link creates the
/// mapping its peer writes into (the reader its ring, the writer its control block) under a name with 64 random bits,
/// offers that name over the authenticated handshake (in the region-address field), attaches to the peer's, and once
/// both have confirmed, unlinks its own file: the mappings live on in both processes, and nothing is left in /dev/shm
/// if either dies afterwards.
/// </summary>
internal sealed class SharedMemoryTransportProvider : ITransportProvider
{
    /// <summary>Writes signalled by the writer (stores complete at once; this only bounds batching).</summary>
    private const int SignalInterval = 16;

    /// <inheritdoc/>
    public ProviderKind Kind => ProviderKind.SharedMemory;

    /// <inheritdoc/>
    public ILinkConnection Connect(LinkSetup setup, ConnectionHandshake handshake, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(handshake);
        SegmentedQueueGeometry geometry = setup.Geometry;
        bool writer = setup.Role == QueueEndpointRole.Writer;
        ulong id = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong))) | 1;
        string ownPath = PathFor(setup, id, writer ? SharedMappingKind.Control : SharedMappingKind.Ring);
        MemoryRegion exposed = writer
            ? SharedMapping.Create(ownPath, SharedMappingKind.Control, geometry, ControlBlockDescriptor.Length)
            : SharedMapping.Create(ownPath, SharedMappingKind.Ring, geometry, geometry.RingRegionLength);
        MemoryRegion? peer = null;
        MemoryRegion? source = null;
        IRemoteWriteChannel? channel = null;
        try
        {
            var local = new QueueEndpoint(setup.Role, 0, 0, id, 0, exposed.Length);

            // Shared memory cannot tear a write; a decorated channel (fault injection) can, and then both ends check.
            byte flags = setup.DecorateChannel is null ? (byte)0 : OfferFlags.Checksummed;
            ConnectionOffer offer = handshake.Exchange(new ConnectionOffer(geometry, new byte[ConnectionHandshake.GidLength], [local]) { Flags = flags });
            bool checksum = OfferFlags.ChecksumsSlots(flags, offer.Flags);
            QueueEndpoint remote = offer.Queues[0];
            SharedMappingKind peerKind = writer ? SharedMappingKind.Ring : SharedMappingKind.Control;
            long peerLength = writer ? geometry.RingRegionLength : ControlBlockDescriptor.Length;
            peer = SharedMapping.Attach(PathFor(setup, remote.RegionAddress, peerKind), peerKind, geometry, peerLength, TimeSpan.Zero);
            source = MemoryRegion.AllocatePrivate(writer ? geometry.RingRegionLength : ControlBlockDescriptor.Length, writer ? $"{setup.Stream} link {setup.Link} mirror" : $"{setup.Stream} link {setup.Link} head source");
            channel = setup.Decorate(new SharedMemoryChannel(source, peer));
            source = null;
            peer = null;
            handshake.Confirm();
            File.Delete(ownPath);
            string description = string.Create(CultureInfo.InvariantCulture, $"shared memory, link {setup.Link} of '{setup.Stream}', mapping {id:x16}");
            return writer
                ? new SharedMemoryLinkConnection(new SegmentedQueueWriter(geometry, channel, exposed, SignalInterval, checksumSlots: checksum), null, description)
                : new SharedMemoryLinkConnection(null, new SegmentedQueueReader(geometry, exposed, channel, checksumSlots: checksum), description);
        }
        catch
        {
            channel?.Dispose();
            source?.Dispose();
            peer?.Dispose();
            exposed.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Nothing shared: every connection owns its mappings.
    }

    private static string PathFor(LinkSetup setup, ulong id, SharedMappingKind kind) => Path.Combine(
        SharedMemoryProvider.Directory,
        string.Create(CultureInfo.InvariantCulture, $"rdmastack.{setup.Stream}.link{setup.Link}.{id:x16}.{(kind == SharedMappingKind.Ring ? "ring" : "ctl")}"));
}
