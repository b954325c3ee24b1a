using RdmaStack.Providers.Verbs;
using RdmaStack.Queues;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// The provider of a quorum run (--provider shm|verbs) and, for verbs, the devices: the replicator's links on
/// <paramref name="Devices"/> (one to four, a failover group), the processors' and clients' on
/// <paramref name="PeerDevices"/> (default: the same).
/// </summary>
internal sealed record QuorumProviderChoice(string Name, IReadOnlyList<string> Devices, IReadOnlyList<string> PeerDevices)
{
    public static QuorumProviderChoice SharedMemory { get; } = new("shm", [], []);

    public bool IsVerbs => Name == "verbs";

    /// <summary>For the report.</summary>
    public string Description => IsVerbs
        ? $"verbs provider, replicator on {string.Join('+', Devices)}, processors and clients on {string.Join('+', PeerDevices)}"
        : "shared-memory provider";

    /// <summary>The fabric one process of the run opens; the processes find each other through endpoint files.</summary>
    public FabricOptions FabricOptions(bool replicator, int messageLength, TimeSpan linkTimeout)
    {
        var geometry = new SegmentedQueueGeometry(4, 256, messageLength);
        IReadOnlyList<string> devices = replicator ? Devices : PeerDevices;
        return new FabricOptions
        {
            Provider = IsVerbs ? ProviderKind.Verbs : ProviderKind.SharedMemory,
            Links = IsVerbs ? [.. devices.Select(d => new LinkOptions { Device = d })] : [new LinkOptions()],
            Geometry = geometry,
            HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Max(1, linkTimeout.TotalMilliseconds / 50)),
            HeartbeatTimeout = linkTimeout,
            LostWriteTimeout = linkTimeout / 2,
            Verbs = VerbsOptions.Default,
            LoggerFactory = CliLogging.Factory,
        };
    }
}
