namespace RdmaStack.HighAvailability.ExternalCalls;

/// <summary>
/// An external service as the primary's library reaches it (the backup never does).
/// </summary>
/// <remarks>
/// <para><b>The rule that makes each (sequence, call index) reach the service once, even when the primary dies
/// between the call and its replication.</b> The primary (1) replicates the call's intent, its
/// <see cref="ExternalCallKey"/>, and waits until the backup acknowledges it; (2) then calls
/// <see cref="Execute"/>; (3) replicates the result before the engine sees it. So when the backup takes over in
/// the middle of an input it knows, for each call of that input, one of three things: it holds the result
/// (it replays it, no call); it never saw the intent (the old primary never called, since it waits for the
/// acknowledgement: the new primary calls, the first call with that key); or it holds the intent without the
/// result (the old primary may or may not have called). In that last case the new primary never calls again:
/// it asks <see cref="Recover"/>, a lookup by key. If the service executed the key it returns the recorded
/// result, which every replica then uses; if it did not, it must refuse the key for good (so that a request
/// of the dead primary still in flight cannot execute later) and the engine is handed
/// <see cref="ExternalCallStatus.NotExecuted"/>.</para>
/// <para>What the service must do: remember, per key, the result of each call it executed for as long as a
/// failover can ask for it, and support the lookup. The guarantee covers one server's death; after both die,
/// the inputs that were never journalled are lost and their sequence numbers are stamped again on new inputs,
/// so their keys reach the service a second time.</para>
/// <para>Called on the replica's hot thread: a slow service delays every input behind it.</para>
/// </remarks>
public interface IExternalService
{
    /// <summary>Executes the call with idempotency key <paramref name="key"/>.</summary>
    /// <param name="key">The call's key (sequence, call index).</param>
    /// <param name="request">The request bytes.</param>
    /// <param name="response">Where to write the response.</param>
    /// <returns>Completed with the response length, or Failed.</returns>
    ExternalCallResult Execute(ExternalCallKey key, ReadOnlySpan<byte> request, Span<byte> response);

    /// <summary>
    /// Looks up the call with key <paramref name="key"/>, never executing it: the recorded result if the service
    /// executed it, otherwise <see cref="ExternalCallResult.NotExecuted"/>, after which the service must refuse
    /// that key.
    /// </summary>
    /// <param name="key">The call's key.</param>
    /// <param name="response">Where to write the recorded response.</param>
    /// <returns>The recorded result (Completed or Failed), or NotExecuted.</returns>
    ExternalCallResult Recover(ExternalCallKey key, Span<byte> response);

    /// <summary>
    /// Whether a call may reach the service again with the same key without harm: a read (a clock, a reference price,
    /// a random draw) rather than an action. Default: false.
    /// </summary>
    /// <remarks>
    /// <para>For a repeatable service the primary calls without first replicating the intent, saving a round trip to
    /// the backup per call: an order with one call then crosses between processes 4 times instead of 6 (client,
    /// primary, backup, primary, client; an unreplicated one 2). If the primary dies after such a call and before its result reached the backup, the new
    /// primary calls again with the same key and every replica uses the new answer. Nothing anyone saw depended on the
    /// first one: a reply is released only once the backup acknowledged the record, which follows the result on the
    /// ordered stream. <see cref="Recover"/> is never asked for a repeatable service's key.</para>
    /// <para>The price: the key can reach the service twice, and a call can reach it for an input the backup never
    /// received (lost with the primary, its sequence stamped again on another input).</para>
    /// </remarks>
    bool IsRepeatable => false;
}
