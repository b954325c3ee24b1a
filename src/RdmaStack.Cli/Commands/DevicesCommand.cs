using System.CommandLine;
using System.Globalization;
using RdmaStack.Providers.Verbs;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack devices`: the RDMA devices of this host with their ports, like ibv_devinfo.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var command = new Command(
            "devices",
            "List the RDMA devices: name, node GUID, and per port the state, active MTU, LID and GIDs.");
        command.SetAction(result => CommandRunner.Run(() => Run(Console.Out)));
        return command;
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
            throw new VerbsException($"no RDMA devices: libibverbs is not installed (install ibverbs-providers): {e.Message}", e);
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
