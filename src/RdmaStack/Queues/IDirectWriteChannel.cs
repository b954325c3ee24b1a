namespace RdmaStack.Queues;

/// <summary>
/// A store-ordered channel (<see cref="Transport.IRemoteWriteChannel.WritesCanTear"/> false) whose peer
/// region is mapped into this process: the writer may write a slot in place in the reader's ring and
/// publish it with one release store, with no copy on the way (the shared-memory provider).
/// </summary>
internal unsafe interface IDirectWriteChannel
{
    /// <summary>The first byte of the peer's region as mapped here, or null while it is not attached.</summary>
    byte* DirectTarget { get; }
}
