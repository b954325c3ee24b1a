using RdmaStack.Queues;
using RdmaStack.Providers.SharedMemory;
using RdmaStack.Transport;
using RdmaStack.Transport.FaultInjection;

namespace RdmaStack.Tests.Queues;

/// <summary>
/// A writer and a reader in one process (<see cref="SharedMemoryProvider.CreateLocalPair"/>), with
/// helpers to reach into the ring the way a faulty link would. By default the channel is the shared-memory
/// provider's (store-ordered: no CRC, slots written in place); <c>checksums: true</c> puts a fault injector on
/// both directions, whose writes can tear, so the queue runs as over RDMA (CRC-32C on every slot).
/// </summary>
internal sealed class QueueHarness : IDisposable
{
    private readonly LocalQueuePair _pair;

    public QueueHarness(SegmentedQueueGeometry geometry, int checksumRetryLimit = 8, int signalInterval = 4, bool checksums = false)
    {
        Geometry = geometry;
        _pair = SharedMemoryProvider.CreateLocalPair(geometry, checksums ? Tearing : null, checksumRetryLimit, signalInterval);
    }

    /// <summary>Wraps a channel in a fault injector with no fault armed: writes that can tear, so the CRC is on.</summary>
    public static Func<IRemoteWriteChannel, IRemoteWriteChannel> Tearing { get; } = static c => new FaultInjectingChannel(c, new LinkFaultSwitch());

    public SegmentedQueueGeometry Geometry { get; }

    public SegmentedQueueWriter Writer => _pair.Writer;

    public SegmentedQueueReader Reader => _pair.Reader;

    /// <summary>The bytes of ring slot <paramref name="index"/> as the reader sees them.</summary>
    public Span<byte> Slot(int index) => _pair.Ring.GetSpan((long)index * Geometry.SlotStride, Geometry.SlotStride);

    /// <summary>The bytes of mirror slot <paramref name="index"/> (the writer's copy kept for failover).</summary>
    public Span<byte> MirrorSlot(int index) => Writer.Channel.Source.GetSpan((long)index * Geometry.SlotStride, Geometry.SlotStride);

    /// <summary>The ring's trailer as the reader sees it.</summary>
    public Span<byte> Trailer => _pair.Ring.GetSpan(Geometry.TrailerOffset, RingTrailerDescriptor.Length);

    public static byte[] Message(long sequence, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((sequence * 13) + i);
        }

        return bytes;
    }

    public void Dispose() => _pair.Dispose();
}

/// <summary>Collects what a reader delivers.</summary>
internal sealed class Collector
{
    public List<(long Sequence, byte[] Payload)> Messages { get; } = [];

    public MessageHandler Handler => (payload, sequence) => Messages.Add((sequence, payload.ToArray()));
}
