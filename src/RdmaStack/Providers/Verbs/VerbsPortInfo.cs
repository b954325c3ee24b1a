using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>One port of an RDMA device, as ibv_query_port reports it.</summary>
/// <param name="PortNumber">The port number, from 1.</param>
/// <param name="State">The logical port state.</param>
/// <param name="ActiveMtu">The active path MTU in bytes (256 to 4096).</param>
/// <param name="Lid">The port's local identifier (0 on RoCE).</param>
/// <param name="Gids">The populated GID table entries, by index (what a queue pair's sgid_index names): each GID as
/// eight groups of four hex digits, as ibv_devinfo -v prints it.</param>
public sealed record VerbsPortInfo(int PortNumber, VerbsPortState State, int ActiveMtu, int Lid, IReadOnlyDictionary<int, string> Gids);
