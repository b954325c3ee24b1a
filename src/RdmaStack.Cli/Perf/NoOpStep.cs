using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>The no-op idle step (<see cref="IdleStrategy.NoOp"/>) as a struct: a loop generic over it reads again at once,
/// with nothing in between.</summary>
internal readonly struct NoOpStep : IIdleStrategy
{
    /// <inheritdoc/>
    public void Idle(int workDone)
    {
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }
}
