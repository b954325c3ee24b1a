using System.Runtime.CompilerServices;

namespace RdmaStack.Threading;

/// <summary>
/// The idle strategies of a hot thread's loop (Agrona's): what to do after a pass that found no work. Busy-spin keeps
/// the core and reacts fastest; spin-then-yield gives the core to others after a while; back-off ends in short sleeps,
/// for loops that share cores (tests, several processes on two cores).
/// </summary>
/// <remarks>Each call returns a new strategy: a strategy counts idle passes, so one thread uses one.</remarks>
public static class IdleStrategy
{
    /// <summary>The names <see cref="Parse"/> takes.</summary>
    public static IReadOnlyList<string> Names { get; } = ["spin", "yield", "backoff"];

    /// <summary>Spins with a CPU pause instruction after every idle pass: the lowest latency; holds its core.</summary>
    /// <returns>The strategy (stateless, shared).</returns>
    public static IIdleStrategy BusySpin() => BusySpinIdleStrategy.Instance;

    /// <summary>Spins for <paramref name="maxSpins"/> idle passes, then yields the core at each further idle pass.</summary>
    /// <param name="maxSpins">Idle passes spent spinning (default 1,000).</param>
    /// <returns>A new strategy.</returns>
    public static IIdleStrategy SpinThenYield(int maxSpins = SpinThenYieldIdleStrategy.DefaultMaxSpins) => new SpinThenYieldIdleStrategy(maxSpins);

    /// <summary>Spins, then yields, then sleeps from <paramref name="minPark"/> doubling up to <paramref name="maxPark"/>;
    /// any work resets it.</summary>
    /// <param name="maxSpins">Idle passes spent spinning (default 100).</param>
    /// <param name="maxYields">Idle passes spent yielding after that (default 10).</param>
    /// <param name="minPark">The first sleep (default 1 ms).</param>
    /// <param name="maxPark">The longest sleep (default 16 ms).</param>
    /// <returns>A new strategy.</returns>
    public static IIdleStrategy Backoff(int maxSpins = 100, int maxYields = 10, TimeSpan? minPark = null, TimeSpan? maxPark = null) =>
        new BackoffIdleStrategy(maxSpins, maxYields, minPark ?? TimeSpan.FromMilliseconds(1), maxPark ?? TimeSpan.FromMilliseconds(16));

    /// <summary>The strategy named <paramref name="name"/>, with its defaults.</summary>
    /// <param name="name">"spin", "yield" or "backoff".</param>
    /// <returns>A new strategy.</returns>
    /// <exception cref="ArgumentException">Another name; the message lists the names.</exception>
    public static IIdleStrategy Parse(string name) => name switch
    {
        "spin" => BusySpin(),
        "yield" => SpinThenYield(),
        "backoff" => Backoff(),
        _ => throw new ArgumentException($"Unknown idle strategy '{name}': use {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>One CPU pause (x86 PAUSE, or a one-iteration spin-wait elsewhere): the body of a spin loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pause() => BusySpinIdleStrategy.Pause();
}
