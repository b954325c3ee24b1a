namespace RdmaStack.Failover;

/// <summary>A link of a stream was found broken.</summary>
/// <param name="Link">The link's index.</param>
/// <param name="Cause">What showed it.</param>
/// <param name="Reason">The same in words, with the details (a work-completion status, a sequence, a bound).</param>
/// <param name="DetectedAt">When, in <see cref="TimeProvider.GetTimestamp"/> ticks of the stream's clock.</param>
/// <param name="LastSeenAliveAt">The last sign of life of the link before that (its peer's heartbeat moved, or it was
/// connected), in the same ticks: <c>DetectedAt - LastSeenAliveAt</c> bounds how long the failure went unnoticed.</param>
public sealed record LinkFailure(int Link, LinkFailureCause Cause, string Reason, long DetectedAt, long LastSeenAliveAt);
