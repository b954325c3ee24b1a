namespace RdmaStack.Failover;

/// <summary>The writer moved the stream from one link to another.</summary>
/// <param name="From">The link that failed.</param>
/// <param name="To">The link now carrying the stream.</param>
/// <param name="Reason">Why <paramref name="From"/> was declared failed.</param>
/// <param name="DetectedAt">When the failure was detected (clock ticks).</param>
/// <param name="FirstResent">First sequence sent again on <paramref name="To"/>.</param>
/// <param name="LastResent">Last sequence sent again (less than <paramref name="FirstResent"/> when nothing was outstanding).</param>
/// <param name="Epoch">The activation epoch <paramref name="To"/> now carries (the reader's <see cref="LinkSwitch"/> names it too).</param>
public sealed record FailoverEvent(int From, int To, string Reason, long DetectedAt, long FirstResent, long LastResent, long Epoch);
