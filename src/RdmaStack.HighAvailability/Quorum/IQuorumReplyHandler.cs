namespace RdmaStack.HighAvailability.Quorum;

/// <summary>Receives a quorum client's replies (a struct handler gets a direct call, no allocation).</summary>
public interface IQuorumReplyHandler
{
    /// <summary>One reply; its response span is valid only during the call.</summary>
    /// <param name="reply">The reply.</param>
    void OnReply(QuorumReply reply);
}
