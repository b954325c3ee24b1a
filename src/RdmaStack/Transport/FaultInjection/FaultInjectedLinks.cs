using RdmaStack.Queues;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Transport.FaultInjection;

/// <summary>
/// N links inside one process, each a local shared-memory queue whose two directions pass through a
/// <see cref="FaultInjectingChannel"/> sharing one <see cref="LinkFaultSwitch"/>: the test bench of the
/// failover layer (drills and tests build their groups from it).
/// </summary>
internal sealed class FaultInjectedLinks : IDisposable
{
    private readonly LocalQueuePair[] _pairs;

    /// <summary>Creates <paramref name="count"/> links of one geometry.</summary>
    /// <param name="count">Number of links.</param>
    /// <param name="geometry">Every link's queue shape.</param>
    /// <param name="checksumRetryLimit">See <see cref="SegmentedQueueReader.ChecksumRetryLimit"/>.</param>
    /// <param name="signalInterval">See <see cref="SegmentedQueueWriter"/>.</param>
    /// <param name="maxHeld">Writes each injector can hold back.</param>
    public FaultInjectedLinks(int count, SegmentedQueueGeometry geometry, int checksumRetryLimit = SegmentedQueueReader.DefaultChecksumRetryLimit, int signalInterval = 16, int maxHeld = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(geometry);
        var switches = new LinkFaultSwitch[count];
        var slotChannels = new FaultInjectingChannel[count];
        var headChannels = new FaultInjectingChannel[count];
        _pairs = new LocalQueuePair[count];
        for (int i = 0; i < count; i++)
        {
            var cable = new LinkFaultSwitch();
            switches[i] = cable;
            FaultInjectingChannel? slots = null;
            FaultInjectingChannel? heads = null;
            _pairs[i] = SharedMemoryProvider.CreateLocalPair(
                geometry,
                channel => slots is null
                    ? slots = new FaultInjectingChannel(channel, cable, maxHeld, dataLimit: geometry.RingLength)
                    : heads = new FaultInjectingChannel(channel, cable, maxHeld),
                checksumRetryLimit,
                signalInterval);
            slotChannels[i] = slots!;
            headChannels[i] = heads!;
        }

        Switches = switches;
        SlotChannels = slotChannels;
        HeadChannels = headChannels;
        Writers = [.. _pairs.Select(p => p.Writer)];
        Readers = [.. _pairs.Select(p => p.Reader)];
    }

    /// <summary>The cable of each link.</summary>
    public IReadOnlyList<LinkFaultSwitch> Switches { get; }

    /// <summary>Each link's writer-to-reader direction (slots, writer heartbeat); its corrupt and drop
    /// faults hit slots only, never the heartbeat trailer.</summary>
    public IReadOnlyList<FaultInjectingChannel> SlotChannels { get; }

    /// <summary>Each link's reader-to-writer direction (head, reader heartbeat, fault reports).</summary>
    public IReadOnlyList<FaultInjectingChannel> HeadChannels { get; }

    /// <summary>Each link's writing end.</summary>
    public IReadOnlyList<SegmentedQueueWriter> Writers { get; }

    /// <summary>Each link's reading end.</summary>
    public IReadOnlyList<SegmentedQueueReader> Readers { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (LocalQueuePair pair in _pairs)
        {
            pair.Dispose();
        }
    }
}
