namespace RdmaStack.HighAvailability.ExternalCalls;

/// <summary>
/// The one way out of a deterministic engine: every call to the outside world (a clock, a random number,
/// reference data, a downstream service) goes through here. The engine does not know its replica's role.
/// </summary>
/// <remarks>
/// <para>On the primary the library makes the call and replicates its result (sequence, call index, status,
/// bytes) to the backup before handing it back; on the backup it never calls out and hands back the result the
/// primary replicated, waiting for it if it has not arrived. When the backup is promoted in the middle of an
/// input, the same call goes on in the primary's role: services never see the switch.</para>
/// <para>Exactly-once rule (see <see cref="IExternalService"/>): the primary replicates the call's intent and
/// waits for the backup's acknowledgement before it calls out, so a new primary knows of every call the old one
/// may have made; for a call with an intent and no result it asks the service what happened
/// (<see cref="IExternalService.Recover"/>) instead of calling again.</para>
/// </remarks>
public interface IExternalCalls
{
    /// <summary>Calls external service <paramref name="service"/> with <paramref name="request"/>.</summary>
    /// <param name="service">The service's index in the node's list of external services.</param>
    /// <param name="request">The request bytes (the same on every replica for a deterministic engine).</param>
    /// <param name="response">Where the response goes; at most the node's MaxCallResponseLength bytes are written.</param>
    /// <returns>The status and the response length.</returns>
    ExternalCallResult Invoke(int service, ReadOnlySpan<byte> request, Span<byte> response);
}
