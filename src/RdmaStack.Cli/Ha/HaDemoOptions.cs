namespace RdmaStack.Cli.Ha;

/// <summary>What one `rdmastack ha demo` run does.</summary>
/// <param name="Settings">Provider, failure bounds, idle strategy: what every process shares.</param>
/// <param name="Clients">Client processes in the replicated run (the first also measures latency).</param>
/// <param name="LatencyOrders">Orders sent one at a time and timed, in the unreplicated and the replicated run each.</param>
/// <param name="Warmup">Untimed orders before those.</param>
/// <param name="Kills">SIGKILLs of the primary.</param>
/// <param name="Window">Orders each client keeps in flight while streaming.</param>
/// <param name="Rate">Orders per second each client sends while streaming.</param>
/// <param name="Seed">Seeds the order flows and the moments of the kills.</param>
/// <param name="StepTimeout">How long one step (a promotion, a rejoin, a drain) may take before the run fails.</param>
internal sealed record HaDemoOptions(HaSettings Settings, int Clients, int LatencyOrders, int Warmup, int Kills, int Window, int Rate, int Seed, TimeSpan StepTimeout)
{
    /// <summary>The kill comes this long (at least) after the pair is whole again, so the stream is well under way.</summary>
    public TimeSpan MinKillDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>... and at most this long.</summary>
    public TimeSpan MaxKillDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Where the run's journals, ledgers and client logs go (a fresh temporary folder if null).</summary>
    public string? Folder { get; init; }
}
