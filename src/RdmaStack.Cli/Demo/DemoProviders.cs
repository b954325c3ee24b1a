using System.Net;

namespace RdmaStack.Cli.Demo;

/// <summary>The providers `rdmastack demo --provider` runs over: shm (two processes on this host) or verbs
/// (RDMA devices, e.g. rxe0 and rxe1 in the Soft-RoCE lab).</summary>
internal static class DemoProviders
{
    /// <summary>The names --provider accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["shm", "verbs"];

    /// <summary>The transport <paramref name="options"/> ask for.</summary>
    /// <exception cref="ArgumentException">verbs without --device.</exception>
    public static IDemoTransport Create(DemoOptions options) => options.Provider switch
    {
        "verbs" => new VerbsDemoTransport(
            options.Device ?? throw new ArgumentException("--provider verbs needs --device (e.g. rxe0; `rdmastack devices` lists them)."),
            options.PeerDevice ?? options.Device,
            IPAddress.Parse(options.Listen)),
        _ => DemoTransports.Create(options.Provider),
    };
}
