using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>One populated entry of a port's GID table.</summary>
/// <param name="Index">The table index (what a queue pair's sgid_index names).</param>
/// <param name="Address">The 16-byte GID as eight groups of four hex digits, as ibv_devinfo -v prints it.</param>
public sealed record VerbsGid(int Index, string Address);
