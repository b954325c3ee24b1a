using System.CommandLine;
using RdmaStack.Cli.Ha.Quorum;

namespace RdmaStack.Cli.Commands;

/// <summary>
/// `rdmastack ha quorum`: the quorum replicator, N processors of the order book and clients as separate processes; a
/// processor can be killed with SIGKILL mid-run. Its processes run the hidden `rdmastack ha quorum peer`.
/// </summary>
internal static class HaQuorumCommand
{
    public static Command Create()
    {
        var set = new HaQuorumOptionSet();
        var command = new Command(
            "quorum",
            "Run the quorum replicator, N processors of the order book and clients as separate processes; report answers, dissent, ejections, latency to the quorum beside the fastest processor's; exit non-zero on any wrong answer.");
        set.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() => QuorumRunner.Run(set.Bind(result), Console.Out)));
        command.Subcommands.Add(CreatePeer());
        return command;
    }

    /// <summary>One process of the run (started by `rdmastack ha quorum`; hidden).</summary>
    private static Command CreatePeer()
    {
        var set = new HaQuorumOptionSet();
        var role = new Option<string>("--role") { Description = "replicator, processor or client", Required = true };
        role.AcceptOnlyFromAmong("replicator", "processor", "client");
        var name = new Option<string>("--name") { Description = "The service's name (its streams' prefix)", Required = true };
        var runDirectory = new Option<string>("--run-dir") { Description = "Where the run's records go", Required = true };
        var index = new Option<int>("--index") { Description = "processor: its index", DefaultValueFactory = _ => 0 };
        var incarnation = new Option<long>("--incarnation") { Description = "processor: which start", DefaultValueFactory = _ => 1 };
        var clientId = new Option<long>("--client-id") { Description = "client: its id", DefaultValueFactory = _ => 1 };
        index.Whole(0, HighAvailability.Quorum.QuorumOptions.MaxProcessors - 1);
        incarnation.Whole(1L, int.MaxValue);
        clientId.Whole(0L, int.MaxValue);
        var command = new Command("peer", "One process of `rdmastack ha quorum`") { Hidden = true };
        command.Options.Add(role);
        command.Options.Add(name);
        command.Options.Add(runDirectory);
        command.Options.Add(index);
        command.Options.Add(incarnation);
        command.Options.Add(clientId);
        set.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            QuorumRunOptions options = set.Bind(result);
            string service = result.GetValue(name)!;
            string directory = result.GetValue(runDirectory)!;
            return result.GetValue(role) switch
            {
                "replicator" => ReplicatorPeer.Run(options, service, directory, Console.Out),
                "processor" => ProcessorPeer.Run(options, service, result.GetValue(index), result.GetValue(incarnation), Console.Out),
                _ => ClientPeer.Run(options, service, directory, result.GetValue(clientId), Console.Out),
            };
        }));
        return command;
    }
}
