namespace RdmaStack.Queues;

/// <summary>
/// Receives messages from <see cref="SegmentedQueueReader.Poll{THandler}(ref THandler, int)"/>.
/// Implement it on a struct to get a direct, inlinable call with no allocation.
/// </summary>
public interface IMessageHandler
{
    /// <summary>Called once per message, in sequence order.</summary>
    /// <param name="payload">The message; valid only during the call (it is the slot itself).</param>
    /// <param name="sequence">The message's sequence number (1, 2, 3 ... per stream).</param>
    void OnMessage(ReadOnlySpan<byte> payload, long sequence);
}
