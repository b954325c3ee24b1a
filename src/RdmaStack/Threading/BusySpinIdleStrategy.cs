using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace RdmaStack.Threading;

/// <summary>
/// Never leaves the CPU: one pause instruction per idle pass. The lowest latency, for a thread that owns
/// its core (pinned, ideally isolated); on a shared core it takes the time of everything else there.
/// </summary>
internal sealed class BusySpinIdleStrategy : IIdleStrategy
{
    /// <summary>A shared instance (the strategy has no state).</summary>
    public static BusySpinIdleStrategy Instance { get; } = new();

    /// <summary>One spin-wait step: PAUSE on x86 (tells the core a spin loop runs, saves power and the
    /// memory-order flush on exit), a yield hint elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pause()
    {
        if (X86Base.IsSupported)
        {
            X86Base.Pause();
        }
        else
        {
            Thread.SpinWait(1);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Idle(int workDone)
    {
        if (workDone <= 0)
        {
            Pause();
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }
}
