using System.Globalization;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>An RDMA device and its ports, as ibv_devinfo shows them.</summary>
/// <param name="Name">The kernel device name, e.g. <c>mlx5_0</c> or <c>rxe0</c>.</param>
/// <param name="NodeGuid">The node GUID in host byte order.</param>
/// <param name="Ports">The device's ports, in port-number order.</param>
public sealed record VerbsDeviceInfo(string Name, ulong NodeGuid, IReadOnlyList<VerbsPortInfo> Ports)
{
    /// <summary>The node GUID as ibv_devinfo prints it: four groups of four hex digits.</summary>
    public string NodeGuidText => string.Create(CultureInfo.InvariantCulture,
        $"{NodeGuid >> 48:x4}:{(NodeGuid >> 32) & 0xffff:x4}:{(NodeGuid >> 16) & 0xffff:x4}:{NodeGuid & 0xffff:x4}");
}
