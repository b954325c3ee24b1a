namespace RdmaStack.Transport;

/// <summary>
/// The channel of a link that has no connection yet: it takes no writes (<see cref="WriteStatus.NotConnected"/>). A
/// stream starts with one per link, under a placeholder writer or reader, so that the first connection of a link and a
/// re-established one take the same path (ReplaceLink).
/// </summary>
internal sealed class DisconnectedChannel(MemoryRegion source) : IRemoteWriteChannel
{
    /// <inheritdoc/>
    public MemoryRegion Source { get; } = source;

    /// <inheritdoc/>
    public long RemoteLength => 0;

    /// <inheritdoc/>
    public int SendQueueDepth => 1;

    /// <inheritdoc/>
    public bool IsConnected => false;

    /// <inheritdoc/>
    public WriteStatus PostWrite(long sourceOffset, long remoteOffset, int length, bool signaled) => WriteStatus.NotConnected;

    /// <inheritdoc/>
    public int PollCompletions() => 0;

    /// <inheritdoc/>
    public void Dispose() => Source.Dispose();
}
