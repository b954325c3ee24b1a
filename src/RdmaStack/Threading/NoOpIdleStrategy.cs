using System.Runtime.CompilerServices;

namespace RdmaStack.Threading;

/// <summary>
/// Does nothing between passes (Agrona's no-op strategy): the loop reads again at once. For a pass that does enough work
/// of its own, and for an emulated CPU, where PAUSE is not a hint but an exit: QEMU's TCG leaves its translated code at
/// every PAUSE to let another virtual CPU run, so a pausing spin there reacts one such exit later.
/// </summary>
internal sealed class NoOpIdleStrategy : IIdleStrategy
{
    /// <summary>A shared instance (the strategy has no state).</summary>
    public static NoOpIdleStrategy Instance { get; } = new();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Idle(int workDone)
    {
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }
}
