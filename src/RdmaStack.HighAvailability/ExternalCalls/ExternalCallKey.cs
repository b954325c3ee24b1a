namespace RdmaStack.HighAvailability.ExternalCalls;

/// <summary>
/// Names one external call: the input being processed and the call's place among that input's calls.
/// The same on every replica, so it serves as the idempotency key the external service sees.
/// </summary>
/// <param name="Sequence">The stamped input's sequence number.</param>
/// <param name="CallIndex">0 for the input's first external call, 1 for the second, ...</param>
public readonly record struct ExternalCallKey(long Sequence, int CallIndex);
