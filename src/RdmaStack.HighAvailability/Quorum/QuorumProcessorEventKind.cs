namespace RdmaStack.HighAvailability.Quorum;

/// <summary>What happened to a processor (see <see cref="QuorumProcessorEvent"/>).</summary>
public enum QuorumProcessorEventKind
{
    /// <summary>A process said hello on the processor's streams.</summary>
    Connected = 1,

    /// <summary>It votes from <see cref="QuorumProcessorEvent.Sequence"/> on (at the start, or after a state transfer
    /// whose restored digest matched).</summary>
    Admitted = 2,

    /// <summary>Its response (or external-call request) for <see cref="QuorumProcessorEvent.Sequence"/> differed
    /// from the quorum's.</summary>
    Dissented = 3,

    /// <summary>Its votes no longer count (<see cref="QuorumProcessorEvent.Reason"/> says why); it comes back by
    /// state transfer.</summary>
    Ejected = 4,

    /// <summary>A state transfer to it failed (the restored digest differed, or the donor or the window gave out);
    /// it is tried again.</summary>
    TransferFailed = 5,
}
