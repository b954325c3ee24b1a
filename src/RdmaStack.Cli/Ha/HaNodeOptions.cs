using System.Globalization;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.Cli.Ha;

/// <summary>One server process of the HA demo.</summary>
/// <param name="Settings">What every process of the run shares.</param>
/// <param name="Service">The service's name.</param>
/// <param name="Servers">1 (unreplicated) or 2.</param>
/// <param name="Server">This server's index.</param>
/// <param name="Role">The role it starts in.</param>
/// <param name="Journal">Its journal file.</param>
/// <param name="Ledger">The reference-price service's ledger file (shared by the servers).</param>
/// <param name="LedgerCapacity">The highest sequence the ledger can hold.</param>
/// <param name="Directory">The service's membership folder's parent (null: the fabric's rendezvous folder).</param>
internal sealed record HaNodeOptions(HaSettings Settings, string Service, int Servers, int Server, ReplicaRole Role, string Journal, string Ledger, long LedgerCapacity, string? Directory)
{
    /// <summary>Replies each client session keeps for resends (the replicas' session window).</summary>
    public int SessionWindow { get; init; } = 64;

    /// <summary>The `rdmastack` arguments that start this server.</summary>
    public IEnumerable<string> ToArguments() =>
    [
        "ha", "node", "--service", Service, "--servers", I(Servers), "--server", I(Server), "--role", Role == ReplicaRole.Primary ? "primary" : "backup",
        "--journal", Journal, "--ledger", Ledger, "--ledger-capacity", I(LedgerCapacity), "--session-window", I(SessionWindow),
        .. Directory is null ? Array.Empty<string>() : ["--directory", Directory],
        .. Settings.ToArguments(),
    ];

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
