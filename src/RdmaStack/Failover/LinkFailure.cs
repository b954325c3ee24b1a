namespace RdmaStack.Failover;

/// <summary>A link of a failover group was found broken.</summary>
/// <param name="Link">The link's index.</param>
/// <param name="Reason">What showed it (an error completion, a stalled heartbeat, a reader's report).</param>
/// <param name="DetectedAt">When, in <see cref="TimeProvider.GetTimestamp"/> ticks of the group's clock.</param>
public sealed record LinkFailure(int Link, string Reason, long DetectedAt);
