using System.CommandLine;
using System.Globalization;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Providers.Verbs;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack devices`: the RDMA devices of this host with their ports, like ibv_devinfo; on Windows the
/// NetworkDirect adapters, by the addresses a link names them with.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var command = new Command(
            "devices",
            "List the RDMA devices: name, node GUID, and per port the state, active MTU, LID and GIDs. On Windows: the NetworkDirect adapters, their addresses (what --device takes with --provider nd) and limits.");
        command.SetAction(result => CommandRunner.Run(() => OperatingSystem.IsWindows() ? WriteNetworkDirect(Console.Out, NetworkDirectDevice.List()) : Run(Console.Out)));
        return command;
    }

    /// <summary>The NetworkDirect adapters, one block each: the addresses first (a link's device), then the provider and
    /// the limits, or why the adapter cannot be used.</summary>
    public static int WriteNetworkDirect(TextWriter console, IReadOnlyList<NetworkDirectDeviceInfo> adapters)
    {
        if (adapters.Count == 0)
        {
            throw new TransportException("no NetworkDirect adapters: no NetworkDirect v2 provider is installed in the Winsock catalog (WinOF-2's `ndinstall -l` lists the providers)");
        }

        foreach (NetworkDirectDeviceInfo a in adapters)
        {
            string addresses = a.Addresses.Count == 0 ? "(no address)" : string.Join(", ", a.Addresses);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{addresses}  adapter 0x{a.AdapterId:x}  provider {a.Provider} ({a.LibraryPath})"));
            console.WriteLine(a.Problem is not null
                ? $"  not usable: {a.Problem}"
                : string.Create(
                    CultureInfo.InvariantCulture,
                    $"  vendor 0x{a.VendorId:x4} device 0x{a.DeviceId:x4}  inline {a.MaxInlineData} B (threshold {a.InlineThreshold} B)  queue depth {a.MaxQueueDepth}  CQ depth {a.MaxCompletionQueueDepth}  private data {a.MaxConnectPrivateData}/{a.MaxAcceptPrivateData} B  loopback {(a.SupportsLoopbackConnections ? "yes" : "no")}"));
        }

        return 0;
    }

    public static int Run(TextWriter console)
    {
        IReadOnlyList<VerbsDeviceInfo> devices;
        try
        {
            devices = VerbsDevice.List();
        }
        catch (DllNotFoundException e)
        {
            throw new TransportException($"no RDMA devices: libibverbs is not installed (install ibverbs-providers): {e.Message}", e);
        }
        foreach (var device in devices)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{device.Name}  node GUID {device.NodeGuidText}  ports {device.Ports.Count}"));
            foreach (var port in device.Ports)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  port {port.PortNumber}  state {port.State}  active MTU {port.ActiveMtu}  LID {port.Lid}"));
                foreach (var gid in port.Gids)
                {
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    GID[{gid.Key}] {gid.Value}"));
                }
            }
        }
        return 0;
    }
}
