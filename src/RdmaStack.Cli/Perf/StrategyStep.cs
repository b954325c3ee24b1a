using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>Any other idle strategy (yield, back-off) behind the struct form the spin loops are generic over.</summary>
internal readonly struct StrategyStep(IIdleStrategy strategy) : IIdleStrategy
{
    /// <inheritdoc/>
    public void Idle(int workDone) => strategy.Idle(workDone);

    /// <inheritdoc/>
    public void Reset() => strategy.Reset();
}
