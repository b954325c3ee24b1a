namespace RdmaStack.Failover;

/// <summary>The reader delivered its first message from another link.</summary>
/// <param name="From">The link it read from before.</param>
/// <param name="To">The link it reads from now.</param>
/// <param name="Sequence">The first sequence delivered from <paramref name="To"/>.</param>
/// <param name="At">When (clock ticks).</param>
/// <param name="Epoch">The activation epoch of <paramref name="To"/> (the writer's <see cref="FailoverEvent"/> names it too).</param>
public sealed record LinkSwitch(int From, int To, long Sequence, long At, long Epoch);
