namespace RdmaStack.HighAvailability.Quorum;

/// <summary>Something that happened to one processor: connected, admitted, dissented, ejected, transfer failed.</summary>
/// <param name="Processor">The processor's index (0 to N-1).</param>
/// <param name="Incarnation">Which start of that processor (1 for the first; each restart takes the next).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Sequence">The sequence it concerns (the dissenting one, the first voted on, the last assigned at an ejection).</param>
/// <param name="Reason">For <see cref="QuorumProcessorEventKind.Ejected"/>: why; otherwise null.</param>
/// <param name="Detail">A sentence for a log.</param>
public sealed record QuorumProcessorEvent(int Processor, long Incarnation, QuorumProcessorEventKind Kind, long Sequence, EjectionReason? Reason, string Detail);
