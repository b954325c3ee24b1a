using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// Sees what the replicator does, on its thread: every stamped input, every external call it resolved, every
/// decision, every processor event. For reports, audits and tests; each member has an empty default.
/// </summary>
/// <remarks>Called on the replicator's hot thread: keep the work small and allocation-free (spans are valid only
/// during the call).</remarks>
public interface IQuorumObserver
{
    /// <summary>A client message was sequenced and stamped (before any processor sees it).</summary>
    /// <param name="input">The stamped input.</param>
    void OnStamped(StampedInput input)
    {
    }

    /// <summary>An external call was resolved: executed once by the replicator when a quorum of processors asked for it
    /// with identical requests, or refused (<see cref="ExternalCallStatus.Failed"/>, not executed) when no quorum of
    /// identical requests was possible. Every processor is handed this same result.</summary>
    /// <param name="key">The call's key.</param>
    /// <param name="service">The service asked for.</param>
    /// <param name="result">The status and length.</param>
    /// <param name="response">The response bytes.</param>
    void OnCallResolved(ExternalCallKey key, int service, ExternalCallResult result, ReadOnlySpan<byte> response)
    {
    }

    /// <summary>A sequence was decided; the client is answered with <paramref name="answer"/> (empty for NoQuorum).</summary>
    /// <param name="decision">The decision and its timestamps.</param>
    /// <param name="answer">The agreed response bytes.</param>
    void OnDecided(in QuorumDecision decision, ReadOnlySpan<byte> answer)
    {
    }

    /// <summary>A processor connected, was admitted, dissented, was ejected, or a transfer to it failed.</summary>
    /// <param name="processorEvent">The event.</param>
    void OnProcessorEvent(QuorumProcessorEvent processorEvent)
    {
    }
}
