namespace RdmaStack.HighAvailability.Quorum;

/// <summary>Where a processor stands, as the replicator sees it.</summary>
public enum QuorumProcessorState
{
    /// <summary>Its streams are open; no process has said hello on them yet.</summary>
    Connecting = 0,

    /// <summary>It said hello (a restart, or after an ejection) and waits for a state transfer.</summary>
    Joining = 1,

    /// <summary>A state transfer to it is under way; it does not vote until its restored digest matches.</summary>
    Transferring = 2,

    /// <summary>It receives every input and its responses count as votes.</summary>
    Active = 3,
}
