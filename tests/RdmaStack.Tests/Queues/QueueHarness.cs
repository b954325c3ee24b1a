using RdmaStack.Queues;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Tests.Queues;

/// <summary>
/// A writer and a reader in one process (<see cref="SharedMemoryProvider.CreateLocalPair"/>), with
/// helpers to reach into the ring the way a faulty link would.
/// </summary>
internal sealed class QueueHarness : IDisposable
{
    private readonly LocalQueuePair _pair;

    public QueueHarness(SegmentedQueueGeometry geometry, int checksumRetryLimit = 8, int signalInterval = 4)
    {
        Geometry = geometry;
        _pair = SharedMemoryProvider.CreateLocalPair(geometry, checksumRetryLimit: checksumRetryLimit, signalInterval: signalInterval);
    }

    public SegmentedQueueGeometry Geometry { get; }

    public SegmentedQueueWriter Writer => _pair.Writer;

    public SegmentedQueueReader Reader => _pair.Reader;

    /// <summary>The bytes of ring slot <paramref name="index"/> as the reader sees them.</summary>
    public Span<byte> Slot(int index) => _pair.Ring.GetSpan((long)index * Geometry.SlotStride, Geometry.SlotStride);

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
