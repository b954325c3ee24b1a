using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Providers.SharedMemory;

/// <summary>
/// Both ends of one segmented queue in one process, over private memory and the shared-memory
/// provider's channel: the same data path as between processes, without files. For tests, drills and
/// benchmarks; <see cref="Ring"/> is exposed so a test can damage a slot the way a faulty link would.
/// </summary>
internal sealed class LocalQueuePair : IDisposable
{
    internal LocalQueuePair(SegmentedQueueWriter writer, SegmentedQueueReader reader, MemoryRegion ring)
    {
        Writer = writer;
        Reader = reader;
        Ring = ring;
    }

    /// <summary>The writing end.</summary>
    public SegmentedQueueWriter Writer { get; }

    /// <summary>The reading end.</summary>
    public SegmentedQueueReader Reader { get; }

    /// <summary>The reader's ring as the reader sees it.</summary>
    public MemoryRegion Ring { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        Writer.Dispose();
        Reader.Dispose();
    }
}
