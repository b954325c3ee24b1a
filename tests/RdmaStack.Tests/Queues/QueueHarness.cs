using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.SharedMemory;

namespace RdmaStack.Tests.Queues;

/// <summary>
/// A writer and a reader in one process over private memory, joined by the shared-memory provider's
/// channel (the same data path as between processes, without files). Exposes the ring so tests can
/// corrupt slots the way a faulty link would.
/// </summary>
internal sealed class QueueHarness : IDisposable
{
    public QueueHarness(SegmentedQueueGeometry geometry, int checksumRetryLimit = 8, int signalInterval = 4)
    {
        Geometry = geometry;
        Ring = MemoryRegion.AllocatePrivate(geometry.RingLength, "test ring");
        Control = MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "test control");
        var ringChannel = new SharedMemoryChannel(MemoryRegion.AllocatePrivate(geometry.RingLength, "test mirror"), Ring);
        var headChannel = new SharedMemoryChannel(MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "test head source"), Control);
        Writer = new SegmentedQueueWriter(geometry, ringChannel, Control, signalInterval);
        Reader = new SegmentedQueueReader(geometry, Ring, headChannel, checksumRetryLimit);
    }

    public SegmentedQueueGeometry Geometry { get; }

    public MemoryRegion Ring { get; }

    public MemoryRegion Control { get; }

    public SegmentedQueueWriter Writer { get; }

    public SegmentedQueueReader Reader { get; }

    /// <summary>The bytes of ring slot <paramref name="index"/> as the reader sees them.</summary>
    public Span<byte> Slot(int index) => Ring.GetSpan((long)index * Geometry.SlotStride, Geometry.SlotStride);

    public static byte[] Message(long sequence, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((sequence * 13) + i);
        }

        return bytes;
    }

    public void Dispose()
    {
        Writer.Dispose();
        Reader.Dispose();
    }
}

/// <summary>Collects what a reader delivers.</summary>
internal sealed class Collector
{
    public List<(long Sequence, byte[] Payload)> Messages { get; } = [];

    public MessageHandler Handler => (payload, sequence) => Messages.Add((sequence, payload.ToArray()));
}
