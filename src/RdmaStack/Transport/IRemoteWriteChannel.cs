namespace RdmaStack.Transport;

/// <summary>
/// The provider contract of the data path: one-sided writes from a local <see cref="Source"/> region
/// into one region of the peer, with completions. Shared memory, verbs and NetworkDirect implement it,
/// and fault injectors decorate it; the queues above never know which one runs.
/// </summary>
/// <remarks>
/// Semantics every implementation keeps, the way RDMA WRITE on a reliable connection does:
/// writes land in the order they were posted, but the bytes within one write land in no promised
/// order, so a reader validates what it reads (the queue uses a sequence number and, where writes can
/// tear, a CRC; see <see cref="WritesCanTear"/>).
/// A signaled write's completion also retires every unsignaled write posted before it.
/// Single producer: one thread posts and polls.
/// </remarks>
internal interface IRemoteWriteChannel : IDisposable
{
    /// <summary>The local memory the writes read from.</summary>
    MemoryRegion Source { get; }

    /// <summary>Size in bytes of the peer's region (0 until connected).</summary>
    long RemoteLength { get; }

    /// <summary>How many writes may be outstanding (posted, not yet retired by a completion).</summary>
    int SendQueueDepth { get; }

    /// <summary>True once the peer's region is known and writable.</summary>
    bool IsConnected { get; }

    /// <summary>Whether the bytes of one write can become visible to the peer in any order (true, the
    /// default, as RDMA WRITE: the queue then guards every slot with a CRC-32C and the reader re-reads a slot
    /// until it checks). False promises that a write's first 8 bytes, when the write is 8-byte aligned and at
    /// least 8 bytes long, become visible last, after every other byte of the write (a release store): a
    /// reader that acquires that word and finds it new sees the whole write, so the queue writes no CRC.
    /// Both ends of a queue must take the same answer (the reader from its head channel, the writer from its
    /// slot channel: the same provider in both directions).</summary>
    /// <remarks>A decorator that alters writes (fault injection) must answer true.</remarks>
    bool WritesCanTear => true;

    /// <summary>Posts a write of <paramref name="length"/> bytes from <see cref="Source"/> at
    /// <paramref name="sourceOffset"/> to the peer's region at <paramref name="remoteOffset"/>.</summary>
    /// <param name="sourceOffset">Offset in the local source region.</param>
    /// <param name="remoteOffset">Offset in the peer's region.</param>
    /// <param name="length">Bytes to write.</param>
    /// <param name="signaled">Ask for a completion for this write (and the unsignaled ones before it).</param>
    /// <returns><see cref="WriteStatus.Posted"/>, or why the write was not posted.</returns>
    WriteStatus PostWrite(long sourceOffset, long remoteOffset, int length, bool signaled);

    /// <summary>Retires completions. Error completions mark the channel failed rather than throw.</summary>
    /// <returns>The number of signaled writes completed since the last call, or -1 if the link failed.</returns>
    int PollCompletions();
}
