using RdmaStack.Failover;
using RdmaStack.Queues;

namespace RdmaStack.Transport;

/// <summary>
/// One connected end of a stream's link, as a provider built it: the writer (publication side) or the reader
/// (subscription side) of the link's segmented queue, and whatever else the connection holds (a device context, queue
/// pairs, mappings), all released by <see cref="IDisposable.Dispose"/>.
/// </summary>
/// <remarks>The writer or reader is handed to the stream's hot thread, which puts it in place; the connection is disposed
/// only after the hot thread has let go of it.</remarks>
internal interface ILinkConnection : IDisposable
{
    /// <summary>The writer of the link's queue, for a publication; null for a subscription.</summary>
    SegmentedQueueWriter? Writer { get; }

    /// <summary>The reader of the link's queue, for a subscription; null for a publication.</summary>
    SegmentedQueueReader? Reader { get; }

    /// <summary>What the connection is, for logs ("verbs rxe0 port 1, QP 0x11 -> 0x12").</summary>
    string Description { get; }

    /// <summary>Asks the connection to report failures it learns of outside the data path (a port error, a fatal
    /// queue pair or device event) to <paramref name="sink"/>, from whatever thread learns of them. Called once, before
    /// the connection is handed to the hot thread.</summary>
    /// <param name="sink">Receives the cause and the reason in words; must be quick and thread-safe.</param>
    void ReportFailuresTo(Action<LinkFailureCause, string> sink);
}
