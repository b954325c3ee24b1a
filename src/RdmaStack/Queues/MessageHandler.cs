namespace RdmaStack.Queues;

/// <summary>Delegate form of <see cref="IMessageHandler"/>; cache the instance to keep polling allocation-free.</summary>
/// <param name="payload">The message; valid only during the call.</param>
/// <param name="sequence">The message's sequence number.</param>
public delegate void MessageHandler(ReadOnlySpan<byte> payload, long sequence);
