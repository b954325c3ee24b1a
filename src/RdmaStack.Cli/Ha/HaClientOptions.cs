using System.Globalization;

namespace RdmaStack.Cli.Ha;

/// <summary>One client process of the HA demo.</summary>
/// <param name="Settings">What every process of the run shares.</param>
/// <param name="Service">The service's name.</param>
/// <param name="Servers">1 (unreplicated) or 2.</param>
/// <param name="Client">The client's id.</param>
/// <param name="LatencyOrders">Orders sent one at a time and timed before streaming (0: none).</param>
/// <param name="Warmup">Orders sent one at a time before those, not timed.</param>
/// <param name="Window">Orders in flight while streaming.</param>
/// <param name="Rate">Orders per second while streaming.</param>
/// <param name="Seed">The order flow's seed.</param>
/// <param name="Log">Where the client writes every request and reply at the end.</param>
/// <param name="StepTimeout">How long one step (an answer, the drain) may take before the client gives up.</param>
/// <param name="Directory">The service's membership folder's parent (null: the fabric's rendezvous folder).</param>
internal sealed record HaClientOptions(
    HaSettings Settings, string Service, int Servers, long Client, int LatencyOrders, int Warmup, int Window, int Rate, int Seed, string Log, TimeSpan StepTimeout, string? Directory)
{
    /// <summary>The `rdmastack` arguments that start this client.</summary>
    public IEnumerable<string> ToArguments() =>
    [
        "ha", "client", "--service", Service, "--servers", I(Servers), "--client", I(Client), "--latency-orders", I(LatencyOrders), "--warmup", I(Warmup),
        "--window", I(Window), "--rate", I(Rate), "--seed", I(Seed), "--log", Log,
        "--timeout", StepTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        .. Directory is null ? Array.Empty<string>() : ["--directory", Directory],
        .. Settings.ToArguments(),
    ];

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
