using System.Text.RegularExpressions;
using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Providers.SharedMemory;

/// <summary>
/// Builds the two ends of a segmented queue over the shared-memory provider, between two processes
/// (or two threads) of one host. The reader's ring lives in /dev/shm/rdmastack.NAME.ring, the writer's
/// control block in /dev/shm/rdmastack.NAME.ctl; each side creates its own and attaches to the other's.
/// </summary>
internal static partial class SharedMemoryProvider
{
    /// <summary>The folder the mappings live in: /dev/shm where it exists, else the temporary folder.</summary>
    public static string Directory { get; } = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    /// <summary>Creates the reader's end: its ring, ready for a writer to attach. The head channel attaches
    /// to the writer's control block when the writer has arrived.</summary>
    /// <param name="name">The queue's name (letters, digits, '.', '_', '-'); both ends use the same.</param>
    /// <param name="geometry">The queue's shape; the writer must use the same.</param>
    /// <param name="checksumRetryLimit">See <see cref="SegmentedQueueReader.ChecksumRetryLimit"/>.</param>
    /// <returns>The reader; disposing it removes the ring.</returns>
    /// <exception cref="TransportException">The ring cannot be created (e.g. a live process owns the name).</exception>
    public static SegmentedQueueReader CreateReader(string name, SegmentedQueueGeometry geometry, int checksumRetryLimit = SegmentedQueueReader.DefaultChecksumRetryLimit)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ValidateName(name);
        MemoryRegion ring = SharedMapping.Create(RingPath(name), SharedMappingKind.Ring, geometry, geometry.RingRegionLength);
        try
        {
            MemoryRegion headSource = MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, $"{name} head source");
            var channel = new SharedMemoryChannel(headSource, ControlPath(name), SharedMappingKind.Control, geometry, ControlBlockDescriptor.Length);
            return new SegmentedQueueReader(geometry, ring, channel, checksumRetryLimit);
        }
        catch
        {
            ring.Dispose();
            throw;
        }
    }

    /// <summary>Creates the writer's end: attaches to the reader's ring (waiting up to <paramref name="timeout"/>
    /// for it), checks its geometry, and creates the control block the reader publishes its head into.</summary>
    /// <param name="name">The queue's name, as given to the reader.</param>
    /// <param name="geometry">The queue's shape; must equal the reader's.</param>
    /// <param name="timeout">How long to wait for the reader's ring to appear; zero tries once.</param>
    /// <param name="signalInterval">See <see cref="SegmentedQueueWriter"/>.</param>
    /// <returns>The writer; disposing it removes the control block.</returns>
    /// <exception cref="TransportException">No ring by that name appeared, or its geometry differs; the message says which.</exception>
    public static SegmentedQueueWriter ConnectWriter(string name, SegmentedQueueGeometry geometry, TimeSpan timeout, int signalInterval = 16)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ValidateName(name);
        MemoryRegion ring = SharedMapping.Attach(RingPath(name), SharedMappingKind.Ring, geometry, geometry.RingRegionLength, timeout);
        MemoryRegion? control = null;
        MemoryRegion? mirror = null;
        try
        {
            control = SharedMapping.Create(ControlPath(name), SharedMappingKind.Control, geometry, ControlBlockDescriptor.Length);
            mirror = MemoryRegion.AllocatePrivate(geometry.RingRegionLength, $"{name} mirror");
            var channel = new SharedMemoryChannel(mirror, ring);
            return new SegmentedQueueWriter(geometry, channel, control, signalInterval);
        }
        catch
        {
            mirror?.Dispose();
            control?.Dispose();
            ring.Dispose();
            throw;
        }
    }

    /// <summary>Creates both ends of a queue inside this process (see <see cref="LocalQueuePair"/>).</summary>
    /// <param name="geometry">The queue's shape.</param>
    /// <param name="decorate">Wraps each direction's channel (e.g. in a fault injector); the first call
    /// gets the slot direction, the second the head direction.</param>
    /// <param name="checksumRetryLimit">See <see cref="SegmentedQueueReader.ChecksumRetryLimit"/>.</param>
    /// <param name="signalInterval">See <see cref="SegmentedQueueWriter"/>.</param>
    /// <returns>The pair; disposing it frees all its memory.</returns>
    public static LocalQueuePair CreateLocalPair(
        SegmentedQueueGeometry geometry,
        Func<IRemoteWriteChannel, IRemoteWriteChannel>? decorate = null,
        int checksumRetryLimit = SegmentedQueueReader.DefaultChecksumRetryLimit,
        int signalInterval = 16)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        decorate ??= static channel => channel;
        MemoryRegion ring = MemoryRegion.AllocatePrivate(geometry.RingRegionLength, "local ring");
        MemoryRegion control = MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "local control block");
        // Each channel holds a reference of its own to the other end's memory (its ring, its control block), so
        // either end can be disposed first (a failover group replaces one end of a link at a time).
        IRemoteWriteChannel slots = decorate(new SharedMemoryChannel(MemoryRegion.AllocatePrivate(geometry.RingRegionLength, "local mirror"), ring.Share()));
        IRemoteWriteChannel heads = decorate(new SharedMemoryChannel(MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "local head source"), control.Share()));
        var writer = new SegmentedQueueWriter(geometry, slots, control, signalInterval);
        var reader = new SegmentedQueueReader(geometry, ring, heads, checksumRetryLimit);
        return new LocalQueuePair(writer, reader, ring);
    }

    /// <summary>The path of the reader's ring for <paramref name="name"/>.</summary>
    /// <param name="name">The queue's name.</param>
    /// <returns>The file path.</returns>
    public static string RingPath(string name) => Path.Combine(Directory, $"rdmastack.{name}.ring");

    /// <summary>The path of the writer's control block for <paramref name="name"/>.</summary>
    /// <param name="name">The queue's name.</param>
    /// <returns>The file path.</returns>
    public static string ControlPath(string name) => Path.Combine(Directory, $"rdmastack.{name}.ctl");

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Queue name '{name}' must be 1 to 100 letters, digits, '.', '_' or '-'.", nameof(name));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex NamePattern();
}
