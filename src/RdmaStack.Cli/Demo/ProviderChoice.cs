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

    /// <summary>How often each side heartbeats over verbs in the tool (10 ms), and how long a silent peer may stay silent
    /// (2 s). Each heartbeat is an RDMA WRITE; the Soft-RoCE lab's emulated NICs (rxe under TCG) spend tens of
    /// microseconds of emulated CPU on every packet and have millisecond hiccups, so the library's defaults (1 ms and
    /// 50 ms, right for real NICs) would cost the run much of its CPU and trip on the hiccups.</summary>
    public static readonly TimeSpan VerbsHeartbeatInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>See <see cref="VerbsHeartbeatInterval"/>.</summary>
    public static readonly TimeSpan VerbsHeartbeatTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The fabric one side of the run opens: its provider, its device for verbs, the geometry; the two processes
    /// find each other through endpoint files (one host).</summary>
    /// <param name="role">"sender" or "receiver".</param>
    /// <param name="geometry">The queues' shape.</param>
    /// <param name="verbs">Queue pair settings (verbs).</param>
    /// <returns>The options.</returns>
    public FabricOptions FabricOptions(string role, SegmentedQueueGeometry geometry, VerbsOptions? verbs = null) => Name switch
    {
        "verbs" => new FabricOptions
        {
            Provider = ProviderKind.Verbs,
            Links = [new LinkOptions { Device = role == "sender" ? Device : ReceiverDevice }],
            Geometry = geometry,
            Verbs = verbs ?? VerbsOptions.Default,
            HeartbeatInterval = VerbsHeartbeatInterval,
            HeartbeatTimeout = VerbsHeartbeatTimeout,
            LostWriteTimeout = TimeSpan.FromMilliseconds(500),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            LoggerFactory = CliLogging.Factory,
        },

        // NetworkDirect runs on real NICs only (there is no emulated one): the library's heartbeat defaults suit it.
        "nd" => new FabricOptions
        {
            Provider = ProviderKind.NetworkDirect,
            Links = [new LinkOptions { Device = role == "sender" ? Device : ReceiverDevice }],
            Geometry = geometry,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            LoggerFactory = CliLogging.Factory,
        },
        _ => new FabricOptions { Geometry = geometry, LoggerFactory = CliLogging.Factory },
    };
}
