namespace RdmaStack.Transport.FaultInjection;

/// <summary>
/// The cable of one link: shared by the fault injectors of both directions, so killing it breaks the
/// writer's slot writes and the reader's head writes at once, as a real link-down does.
/// </summary>
/// <remarks>Thread-safe: a drill kills from one thread while both ends post from theirs.</remarks>
internal sealed class LinkFaultSwitch
{
    private int _killed;

    /// <summary>True while the link is down.</summary>
    public bool IsKilled => Volatile.Read(ref _killed) != 0;

    /// <summary>Takes the link down: every write on it fails and its completions report an error.</summary>
    public void Kill()
    {
        Volatile.Write(ref _killed, 1);
    }

    /// <summary>Brings the link back (the repair before a failback).</summary>
    public void Repair() => Volatile.Write(ref _killed, 0);
}
