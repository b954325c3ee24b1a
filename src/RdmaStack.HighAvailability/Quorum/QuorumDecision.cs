namespace RdmaStack.HighAvailability.Quorum;

/// <summary>The replicator's decision for one sequence, with its timestamps (the options' TimeProvider clock).</summary>
/// <param name="Sequence">The sequence.</param>
/// <param name="ClientId">The client that sent the message.</param>
/// <param name="ClientSequence">The client's sequence number for it.</param>
/// <param name="Status">Agreed, or NoQuorum.</param>
/// <param name="Votes">Processors whose byte-identical responses made the decision (0 for NoQuorum).</param>
/// <param name="StampedAt">When the message was sequenced and handed to the processors' streams.</param>
/// <param name="FirstResponseAt">When the first response from any voting processor arrived (0: none): the latency
/// an unreplicated service on the fastest processor would have had.</param>
/// <param name="DecidedAt">When the quorum was reached (or found impossible).</param>
public readonly record struct QuorumDecision(
    long Sequence, long ClientId, long ClientSequence, QuorumReplyStatus Status, int Votes, long StampedAt, long FirstResponseAt, long DecidedAt);
