using System.CommandLine;

namespace RdmaStack.Cli.Commands;

/// <summary>
/// `rdmastack ha`: the high-availability commands. Each subcommand lives in a file of its own and is added here with one
/// line (`ha.Subcommands.Add(HaXCommand.Create());`); `node` and `client` are the hidden processes `ha demo` starts.
/// </summary>
internal static class HaCommand
{
    public static Command Create()
    {
        var ha = new Command("ha", "High availability: a replicated service over the stack (primary/backup with deterministic replay; a quorum of processors)");
        ha.Subcommands.Add(HaDemoCommand.Create());
        ha.Subcommands.Add(HaNodeCommand.Create());
        ha.Subcommands.Add(HaClientCommand.Create());
        ha.Subcommands.Add(HaQuorumCommand.Create());
        return ha;
    }
}
