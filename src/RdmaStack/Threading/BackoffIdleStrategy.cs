namespace RdmaStack.Threading;

/// <summary>
/// Escalates through an idle streak: spin, then yield, then sleep for a period that doubles from
/// <see cref="MinPark"/> to <see cref="MaxPark"/>. For threads that must stay responsive but may be idle
/// for long stretches (a standby link's poller, a health monitor); not for a hot latency path, since a
/// sleeping thread takes tens of microseconds to wake here.
/// </summary>
internal sealed class BackoffIdleStrategy : IIdleStrategy
{
    private long _idlePasses;
    private TimeSpan _park;

    /// <summary>Creates the strategy.</summary>
    /// <param name="maxSpins">Idle passes that spin.</param>
    /// <param name="maxYields">Further idle passes that yield.</param>
    /// <param name="minPark">The first sleep; must be positive.</param>
    /// <param name="maxPark">The longest sleep; at least <paramref name="minPark"/>.</param>
    public BackoffIdleStrategy(int maxSpins, int maxYields, TimeSpan minPark, TimeSpan maxPark)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSpins);
        ArgumentOutOfRangeException.ThrowIfNegative(maxYields);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(minPark, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPark, minPark);
        MaxSpins = maxSpins;
        MaxYields = maxYields;
        MinPark = minPark;
        MaxPark = maxPark;
        _park = minPark;
    }

    /// <summary>Defaults: 100 spins, 10 yields, then sleeps from 1 ms to 16 ms.</summary>
    public BackoffIdleStrategy()
        : this(100, 10, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(16))
    {
    }

    /// <summary>Idle passes that spin.</summary>
    public int MaxSpins { get; }

    /// <summary>Idle passes, after the spins, that yield.</summary>
    public int MaxYields { get; }

    /// <summary>The first sleep.</summary>
    public TimeSpan MinPark { get; }

    /// <summary>The longest sleep.</summary>
    public TimeSpan MaxPark { get; }

    /// <summary>Where the current idle streak is.</summary>
    public IdleState State =>
        _idlePasses == 0 ? IdleState.NotIdle :
        _idlePasses <= MaxSpins ? IdleState.Spinning :
        _idlePasses <= (long)MaxSpins + MaxYields ? IdleState.Yielding :
        IdleState.Parking;

    /// <summary>The sleep the next parking pass will take.</summary>
    public TimeSpan NextPark => _park;

    /// <inheritdoc/>
    public void Idle(int workDone)
    {
        if (workDone > 0)
        {
            Reset();
            return;
        }

        _idlePasses++;
        switch (State)
        {
            case IdleState.Spinning:
                BusySpinIdleStrategy.Pause();
                break;
            case IdleState.Yielding:
                Thread.Yield();
                break;
            default:
                Thread.Sleep(_park);
                _park = _park * 2 < MaxPark ? _park * 2 : MaxPark;
                break;
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _idlePasses = 0;
        _park = MinPark;
    }
}
