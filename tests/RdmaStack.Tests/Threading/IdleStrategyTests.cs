using RdmaStack.Threading;

namespace RdmaStack.Tests.Threading;

/// <summary>How the idle strategies escalate through an idle streak and start over after work.</summary>
public class IdleStrategyTests
{
    [Fact]
    public void Spin_then_yield_spins_for_its_budget_then_yields_and_resets_on_work()
    {
        var idle = new SpinThenYieldIdleStrategy(maxSpins: 3);
        Assert.Equal(IdleState.NotIdle, idle.State);

        idle.Idle(0);
        idle.Idle(0);
        idle.Idle(0);
        Assert.Equal(IdleState.Spinning, idle.State);
        idle.Idle(0);
        Assert.Equal(IdleState.Yielding, idle.State);

        idle.Idle(5);
        Assert.Equal(IdleState.NotIdle, idle.State);
        idle.Idle(0);
        Assert.Equal(IdleState.Spinning, idle.State);
    }

    [Fact]
    public void Backoff_spins_yields_then_parks_doubling_up_to_the_bound()
    {
        var idle = new BackoffIdleStrategy(maxSpins: 2, maxYields: 1, minPark: TimeSpan.FromMilliseconds(1), maxPark: TimeSpan.FromMilliseconds(3));

        idle.Idle(0);
        idle.Idle(0);
        Assert.Equal(IdleState.Spinning, idle.State);
        idle.Idle(0);
        Assert.Equal(IdleState.Yielding, idle.State);
        Assert.Equal(TimeSpan.FromMilliseconds(1), idle.NextPark);

        idle.Idle(0);
        Assert.Equal(IdleState.Parking, idle.State);
        Assert.Equal(TimeSpan.FromMilliseconds(2), idle.NextPark);
        idle.Idle(0);
        Assert.Equal(TimeSpan.FromMilliseconds(3), idle.NextPark);
        idle.Idle(0);
        Assert.Equal(TimeSpan.FromMilliseconds(3), idle.NextPark);

        idle.Idle(1);
        Assert.Equal(IdleState.NotIdle, idle.State);
        Assert.Equal(TimeSpan.FromMilliseconds(1), idle.NextPark);
    }

    [Fact]
    public void Backoff_parks_actually_sleep_and_spins_do_not()
    {
        var idle = new BackoffIdleStrategy(maxSpins: 1000, maxYields: 0, minPark: TimeSpan.FromMilliseconds(20), maxPark: TimeSpan.FromMilliseconds(20));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 1000; i++)
        {
            idle.Idle(0);
        }

        TimeSpan spinning = clock.Elapsed;
        idle.Idle(0);
        TimeSpan parked = clock.Elapsed - spinning;

        Assert.Equal(IdleState.Parking, idle.State);
        Assert.True(parked >= TimeSpan.FromMilliseconds(15), $"a 20 ms park returned after {parked.TotalMilliseconds} ms");
        Assert.True(spinning < TimeSpan.FromMilliseconds(500), $"1000 spins took {spinning.TotalMilliseconds} ms");
    }

    [Fact]
    public void Busy_spin_never_leaves_the_not_idle_contract()
    {
        BusySpinIdleStrategy idle = BusySpinIdleStrategy.Instance;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 10_000; i++)
        {
            idle.Idle(0);
        }

        idle.Reset();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"10,000 pauses took {clock.Elapsed.TotalMilliseconds} ms: the busy spin must not sleep");
    }

    [Fact]
    public void Rejects_impossible_settings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpinThenYieldIdleStrategy(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffIdleStrategy(1, 1, TimeSpan.Zero, TimeSpan.FromMilliseconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffIdleStrategy(1, 1, TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(1)));
    }
}
