using System.Runtime.CompilerServices;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>The busy-spin idle step as a struct: a loop generic over it gets the pause inlined, where the
/// <see cref="IIdleStrategy"/> interface took a call through a dispatch stub in every spin of a waiting peer.</summary>
internal readonly struct PauseStep : IIdleStrategy
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Idle(int workDone)
    {
        if (workDone <= 0)
        {
            IdleStrategy.Pause();
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }
}
