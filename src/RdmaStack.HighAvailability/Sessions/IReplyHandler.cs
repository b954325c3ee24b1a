namespace RdmaStack.HighAvailability.Sessions;

/// <summary>Receives a client's replies from <see cref="ReplicaClient.Poll{THandler}(ref THandler)"/>.</summary>
public interface IReplyHandler
{
    /// <summary>Called once per request, when its reply arrives (repeated replies are dropped).</summary>
    /// <param name="clientSequence">The request's client sequence.</param>
    /// <param name="status">Processed, TooOld or Rejected.</param>
    /// <param name="recordSequence">The service-wide sequence of the input's record (0 unless processed).</param>
    /// <param name="output">The engine's output; valid only during the call.</param>
    void OnReply(long clientSequence, ReplyStatus status, long recordSequence, ReadOnlySpan<byte> output);
}
