using RdmaStack.Providers.Verbs;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Demo;

/// <summary>The provider a two-process run uses (--provider shm|verbs|nd), with the RDMA devices of its two sides.</summary>
/// <param name="Name">"shm", "verbs" or "nd" (NetworkDirect, Windows).</param>
/// <param name="Device">verbs: the sender's device; nd: the sender's adapter address.</param>
/// <param name="PeerDevice">verbs and nd: the receiver's (default: <paramref name="Device"/>).</param>
internal sealed record ProviderChoice(string Name, string? Device = null, string? PeerDevice = null)
{
    /// <summary>The provider names the tool knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["shm", "verbs", "nd"];

    /// <summary>Shared memory, the default.</summary>
    public static ProviderChoice SharedMemory { get; } = new("shm");

    /// <summary>The receiver's device.</summary>
    public string? ReceiverDevice => PeerDevice ?? Device;

    /// <summary>For the report.</summary>
    public string Description => Name switch
    {
        "verbs" => $"verbs provider, {Device} -> {ReceiverDevice}",
        "nd" => $"NetworkDirect provider, {Device} -> {ReceiverDevice}",
        _ => "shared-memory provider",
    };

    /// <summary>The fabric one side of the run opens: its provider, its device for verbs, the geometry; the two processes
    /// find each other through endpoint files (one host).</summary>
    /// <param name="role">"sender" or "receiver".</param>
    /// <param name="geometry">The queues' shape.</param>
    /// <param name="verbs">Queue pair settings (verbs).</param>
    /// <returns>The options.</returns>
    public FabricOptions FabricOptions(string role, SegmentedQueueGeometry geometry, VerbsOptions? verbs = null) => Name switch
    {
        "verbs" or "nd" => new FabricOptions
        {
            Provider = Name == "nd" ? ProviderKind.NetworkDirect : ProviderKind.Verbs,
            Links = [new LinkOptions { Device = role == "sender" ? Device : ReceiverDevice }],
            Geometry = geometry,
            Verbs = verbs ?? VerbsOptions.Default,
            LoggerFactory = CliLogging.Factory,
        },
        _ => new FabricOptions { Geometry = geometry, LoggerFactory = CliLogging.Factory },
    };
}
