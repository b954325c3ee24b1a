using System.CommandLine;
using RdmaStack.Cli.Commands;

namespace RdmaStack.Cli;

/// <summary>The `rdmastack` tool.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("rdmastack: kernel-bypass RDMA transport stack (segmented queues, link health, failover)");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DemoPeerCommand.Create());
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(DrillCommand.Create());
        root.Subcommands.Add(DrillPeerCommand.Create());
        var ha = new Command("ha", "High availability: replicated services over the stack");
        ha.Subcommands.Add(HaQuorumCommand.Create());
        root.Subcommands.Add(ha);
        root.Subcommands.Add(PerfCommand.Create());
        root.Subcommands.Add(PerfPeerCommand.Create());
        return root.Parse(args).Invoke();
    }
}
