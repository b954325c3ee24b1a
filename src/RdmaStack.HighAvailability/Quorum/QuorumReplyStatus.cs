namespace RdmaStack.HighAvailability.Quorum;

/// <summary>How the replicator answered one client message.</summary>
public enum QuorumReplyStatus : byte
{
    /// <summary>A quorum of processors returned these same bytes: this is the service's answer.</summary>
    Agreed = 1,

    /// <summary>
    /// No quorum of identical responses was possible for this sequence (too many processors faulty, dead or
    /// silent until <see cref="QuorumOptions.ResponseTimeout"/>). The reply carries no response bytes. The input
    /// was sequenced and sent to the processors, so its effect on the service's state is unknown; it is never a
    /// wrong or a partial answer.
    /// </summary>
    NoQuorum = 2,

    /// <summary>The message was refused before it was sequenced (longer than
    /// <see cref="QuorumOptions.MaxRequestLength"/>, or a client sequence that is not above the last one).</summary>
    Rejected = 3,
}
