using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>The idle strategies --idle names.</summary>
internal static class IdleStrategies
{
    public static IReadOnlyList<string> Names { get; } = ["spin", "yield", "backoff"];

    public static IIdleStrategy Create(string name) => name switch
    {
        "spin" => BusySpinIdleStrategy.Instance,
        "yield" => new SpinThenYieldIdleStrategy(),
        "backoff" => new BackoffIdleStrategy(),
        _ => throw new ArgumentException($"Unknown idle strategy '{name}': use {string.Join(", ", Names)}.", nameof(name)),
    };
}
