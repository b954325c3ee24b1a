using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>The queues one <see cref="VerbsProvider.Connect"/> built, in the order of the roles asked for.</summary>
/// <remarks>Each writer and reader owns its queue pair, completion queue and memory regions; disposing the set
/// disposes them all (the device context stays open until its owner disposes it).</remarks>
internal sealed class VerbsQueueSet : IDisposable
{
    internal VerbsQueueSet(IReadOnlyList<SegmentedQueueWriter> writers, IReadOnlyList<SegmentedQueueReader> readers, uint[] queuePairNumbers)
    {
        Writers = writers;
        Readers = readers;
        QueuePairNumbers = queuePairNumbers;
    }

    /// <summary>The numbers of every queue pair of the set (to match asynchronous events to it).</summary>
    public uint[] QueuePairNumbers { get; }

    /// <summary>The writers (tails), in the order their roles were given.</summary>
    public IReadOnlyList<SegmentedQueueWriter> Writers { get; }

    /// <summary>The readers (heads), in the order their roles were given.</summary>
    public IReadOnlyList<SegmentedQueueReader> Readers { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (SegmentedQueueWriter writer in Writers)
        {
            writer.Dispose();
        }

        foreach (SegmentedQueueReader reader in Readers)
        {
            reader.Dispose();
        }
    }
}
