namespace RdmaStack.HighAvailability.Quorum;

/// <summary>One processor as the replicator sees it (counters over every incarnation).</summary>
/// <param name="Index">The processor's index.</param>
/// <param name="Incarnation">Its current incarnation (1 for the first start).</param>
/// <param name="State">Where it stands.</param>
/// <param name="Responses">Responses it sent that counted as votes.</param>
/// <param name="Late">Of those, responses that came after the quorum had decided and matched the answer.</param>
/// <param name="Dissents">Responses or external-call requests that differed from the quorum's.</param>
/// <param name="Ejections">Times it was ejected.</param>
/// <param name="Admissions">Times it was admitted (at the start, and after each state transfer).</param>
public sealed record QuorumProcessorStatus(
    int Index, long Incarnation, QuorumProcessorState State, long Responses, long Late, long Dissents, long Ejections, long Admissions);
