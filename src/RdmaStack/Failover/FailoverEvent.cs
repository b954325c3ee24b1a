namespace RdmaStack.Failover;

/// <summary>The writer moved the stream to another link (or, with <paramref name="From"/> = -1, onto the first
/// link to connect after none was healthy).</summary>
/// <param name="From">The link that failed, or -1.</param>
/// <param name="To">The link now carrying the stream.</param>
/// <param name="Cause">What showed that <paramref name="From"/> was broken.</param>
/// <param name="Reason">The same in words.</param>
/// <param name="DetectedAt">When the failure was detected (clock ticks).</param>
/// <param name="FirstResent">First sequence sent again on <paramref name="To"/>.</param>
/// <param name="LastResent">Last sequence sent again (less than <paramref name="FirstResent"/> when nothing was outstanding).</param>
/// <param name="Epoch">The activation epoch <paramref name="To"/> now carries (the reader's <see cref="LinkSwitch"/> names it too).</param>
public sealed record FailoverEvent(int From, int To, LinkFailureCause Cause, string Reason, long DetectedAt, long FirstResent, long LastResent, long Epoch);
