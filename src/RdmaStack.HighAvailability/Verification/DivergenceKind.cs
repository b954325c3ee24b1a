namespace RdmaStack.HighAvailability.Verification;

/// <summary>What differed between the primary and the backup.</summary>
public enum DivergenceKind
{
    /// <summary>The output of one input (its digest) differs.</summary>
    Output,

    /// <summary>The periodic state digest differs.</summary>
    State,

    /// <summary>The engines made a different number of external calls for one input.</summary>
    CallCount,

    /// <summary>An external call's request (its digest) or service differs.</summary>
    CallRequest,

    /// <summary>A state transfer restored to a state whose digest is not the sender's.</summary>
    Snapshot,
}
