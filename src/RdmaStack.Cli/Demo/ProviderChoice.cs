namespace RdmaStack.Cli.Demo;

/// <summary>The provider the two-process tools (demo, perf) run over, and for verbs the devices and the
/// handshake address (--provider, --device, --peer-device, --listen).</summary>
/// <param name="Name">shm (shared memory between two processes of this host) or verbs (RDMA devices).</param>
/// <param name="Device">verbs: the sender's device (e.g. rxe0).</param>
/// <param name="PeerDevice">verbs: the receiver's device (default: <paramref name="Device"/>).</param>
/// <param name="Listen">verbs: the address the receiver takes the TCP handshake on.</param>
internal sealed record ProviderChoice(string Name, string? Device = null, string? PeerDevice = null, string Listen = "127.0.0.1")
{
    /// <summary>The shared-memory provider, the default.</summary>
    public static ProviderChoice SharedMemory { get; } = new("shm");

    /// <summary>The receiver's device: --peer-device, else --device.</summary>
    public string? ReceiverDevice => PeerDevice ?? Device;

    /// <summary>For reports: "shared-memory provider" or "verbs provider, rxe0 -> rxe1".</summary>
    public string Description => Name == "verbs" ? $"verbs provider, {Device} -> {ReceiverDevice}" : "shared-memory provider";
}
