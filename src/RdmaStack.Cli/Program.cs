using System.CommandLine;
using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Cli;

/// <summary>The `rdmastack` tool.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (!PeerShutdown.WatchParent())
        {
            Console.Error.WriteLine("rdmastack: the process that started this peer is gone; ending.");
            return 1;
        }

        return Run(args, Console.Error);
    }

    /// <summary>The root command with every subcommand.</summary>
    internal static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("rdmastack: kernel-bypass RDMA transport stack (segmented queues, link health, failover)");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DemoPeerCommand.Create());
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(DrillCommand.Create());
        root.Subcommands.Add(DrillPeerCommand.Create());
        root.Subcommands.Add(HaCommand.Create());
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
        ParseResult? result = Parse(CreateRootCommand(), args, error);
        return result is null ? CommandRunner.SetupFailed : result.Invoke();
    }

    /// <summary>Parses <paramref name="args"/> (see <see cref="CommandRunner.Parse"/>): a refused command line is
    /// written to <paramref name="error"/>, one line per error, never a stack trace nor the whole help.</summary>
    /// <returns>The parse result to invoke, or null when the arguments were refused.</returns>
    internal static ParseResult? Parse(RootCommand root, IReadOnlyList<string> args, TextWriter error) =>
        CommandRunner.Parse(root, args, error);
}
