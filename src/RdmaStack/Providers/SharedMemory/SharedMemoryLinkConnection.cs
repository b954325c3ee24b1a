using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Providers.SharedMemory;

/// <summary>One end of a link over shared memory: its writer or reader, which own the mappings. Shared memory has no
/// device to report failures outside the data path.</summary>
internal sealed class SharedMemoryLinkConnection(SegmentedQueueWriter? writer, SegmentedQueueReader? reader, string description) : ILinkConnection
{
    /// <inheritdoc/>
    public SegmentedQueueWriter? Writer { get; } = writer;

    /// <inheritdoc/>
    public SegmentedQueueReader? Reader { get; } = reader;

    /// <inheritdoc/>
    public string Description { get; } = description;

    /// <inheritdoc/>
    public void ReportFailuresTo(Action<LinkFailureCause, string> sink)
    {
        // Nothing reports failures out of band here.
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Writer?.Dispose();
        Reader?.Dispose();
    }
}
