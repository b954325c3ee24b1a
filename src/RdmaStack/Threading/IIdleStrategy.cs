namespace RdmaStack.Threading;

/// <summary>
/// What an agent's poll loop does when a pass found no work: spin, yield the CPU or sleep.
/// </summary>
/// <remarks>
/// The loop calls <see cref="Idle(int)"/> after every pass with the work that pass did; a strategy
/// returns at once when work was done (and starts its escalation over), and otherwise waits a little,
/// longer the longer the loop has been idle. One strategy instance per thread; not thread-safe.
/// </remarks>
public interface IIdleStrategy
{
    /// <summary>Called after each pass of the poll loop.</summary>
    /// <param name="workDone">Items the pass handled; 0 means the loop was idle.</param>
    void Idle(int workDone);

    /// <summary>Forgets the idle streak, as if work had just been done.</summary>
    void Reset();
}
