namespace RdmaStack.Threading;

/// <summary>Where an escalating idle strategy is in its idle streak.</summary>
internal enum IdleState
{
    /// <summary>Not idle: the last pass did work (or nothing was called yet).</summary>
    NotIdle,

    /// <summary>Spinning on the CPU with a pause instruction between polls.</summary>
    Spinning,

    /// <summary>Giving the CPU to other runnable threads (sched_yield) between polls.</summary>
    Yielding,

    /// <summary>Sleeping between polls, for an interval that grows up to a bound.</summary>
    Parking,
}
