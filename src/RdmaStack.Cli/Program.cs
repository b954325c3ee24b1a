using System.CommandLine;
using RdmaStack.Cli.Commands;

namespace RdmaStack.Cli;

/// <summary>The `rdmastack` tool.</summary>
internal static class Program
{
    private static int Main(string[] args) => Run(args, Console.Error);

    /// <summary>The tool's commands.</summary>
    /// <returns>The root command.</returns>
    internal static RootCommand CreateRoot()
    {
        var root = new RootCommand("rdmastack: kernel-bypass RDMA transport stack (segmented queues, link health, failover)");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DemoPeerCommand.Create());
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(DrillCommand.Create());
        root.Subcommands.Add(DrillPeerCommand.Create());
        root.Subcommands.Add(PerfCommand.Create());
        root.Subcommands.Add(PerfPeerCommand.Create());
        return root;
    }

    /// <summary>Parses the command line; a bad one is refused before anything starts (one line per error, naming
    /// the option and the rule, and a pointer to the command's help, exit status 2), a good one runs.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="error">Where refusals go.</param>
    /// <returns>The exit status.</returns>
    internal static int Run(string[] args, TextWriter error)
    {
        ParseResult? result = CommandRunner.Parse(CreateRoot(), args, error);
        return result is null ? CommandRunner.SetupFailed : result.Invoke();
    }
}
