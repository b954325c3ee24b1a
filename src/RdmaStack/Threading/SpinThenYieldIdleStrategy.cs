namespace RdmaStack.Threading;

/// <summary>
/// Spins for a number of idle passes, then yields the CPU (sched_yield) on every further idle pass:
/// low latency while traffic flows, and room for other threads on a core that is not the thread's own.
/// </summary>
internal sealed class SpinThenYieldIdleStrategy : IIdleStrategy
{
    /// <summary>The default number of spinning passes before yielding.</summary>
    public const int DefaultMaxSpins = 1000;

    private long _idlePasses;

    /// <summary>Creates the strategy.</summary>
    /// <param name="maxSpins">Idle passes that spin before the strategy starts yielding (0 yields at once).</param>
    public SpinThenYieldIdleStrategy(int maxSpins = DefaultMaxSpins)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSpins);
        MaxSpins = maxSpins;
    }

    /// <summary>Idle passes that spin before yielding.</summary>
    public int MaxSpins { get; }

    /// <summary>Where the current idle streak is.</summary>
    public IdleState State => _idlePasses == 0 ? IdleState.NotIdle : _idlePasses <= MaxSpins ? IdleState.Spinning : IdleState.Yielding;

    /// <inheritdoc/>
    public void Idle(int workDone)
    {
        if (workDone > 0)
        {
            _idlePasses = 0;
            return;
        }

        if (++_idlePasses <= MaxSpins)
        {
            BusySpinIdleStrategy.Pause();
        }
        else
        {
            Thread.Yield();
        }
    }

    /// <inheritdoc/>
    public void Reset() => _idlePasses = 0;
}
