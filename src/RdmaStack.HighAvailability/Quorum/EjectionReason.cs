namespace RdmaStack.HighAvailability.Quorum;

/// <summary>Why the replicator stopped counting a processor's votes.</summary>
public enum EjectionReason
{
    /// <summary>It disagreed with the quorum <see cref="QuorumOptions.DisagreementLimit"/> times within
    /// <see cref="QuorumOptions.DisagreementWindow"/> sequences (wrong responses or wrong external-call requests).</summary>
    Disagreement = 1,

    /// <summary>Nothing (responses, heartbeats) came from it for <see cref="QuorumOptions.HeartbeatTimeout"/>: it is
    /// taken for dead, its streams are closed and the next incarnation's are opened.</summary>
    MissedHeartbeat = 2,

    /// <summary>Its stream to the replicator was closed (the process is gone).</summary>
    StreamClosed = 3,

    /// <summary>It fell <see cref="QuorumOptions.Window"/> sequences behind: the replicator needed the oldest entry of
    /// its window back and this processor had not been sent it or not answered it.</summary>
    Lagging = 4,

    /// <summary>Its state digest at a checkpoint differed from the digest most of the active processors reported.</summary>
    StateDigest = 5,

    /// <summary>It sent a message the protocol does not allow (out of order, malformed, for a sequence it was never sent).</summary>
    ProtocolViolation = 6,
}
