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

        RootCommand root = CreateRootCommand();
        ParseResult? result = Parse(root, args, Console.Error);
        return result is null ? CommandRunner.SetupFailed : result.Invoke();
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
        var ha = new Command("ha", "High availability: replicated services over the stack");
        ha.Subcommands.Add(HaQuorumCommand.Create());
        root.Subcommands.Add(ha);
        root.Subcommands.Add(PerfCommand.Create());
        root.Subcommands.Add(PerfPeerCommand.Create());
        return root;
    }

    /// <summary>Parses <paramref name="args"/>. System.CommandLine throws from the parse when a validator reads a value
    /// that did not convert (`demo --size abc`), and when an @response file cannot be read (`demo @.`, a folder; found
    /// by the option-parsing fuzzer): each becomes one line naming the cause, with a hint to --help, never a stack trace.</summary>
    /// <returns>The parse result, or null when the arguments were refused (the line is written to <paramref name="error"/>).</returns>
    internal static ParseResult? Parse(RootCommand root, IReadOnlyList<string> args, TextWriter error)
    {
        try
        {
            return root.Parse(args);
        }
        catch (InvalidOperationException e)
        {
            return Refuse(root, args, e.Message, error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refuse(root, args, $"cannot read a response file (an argument starting with '@'): {e.Message}", error);
        }
    }

    private static ParseResult? Refuse(RootCommand root, IReadOnlyList<string> args, string message, TextWriter error)
    {
        string command = args.Count > 0 && root.Subcommands.Any(c => c.Name == args[0]) ? args[0] + " " : string.Empty;
        error.WriteLine($"rdmastack: {message} See 'rdmastack {command}--help'.");
        return null;
    }
}
