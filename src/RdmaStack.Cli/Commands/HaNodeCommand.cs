using System.CommandLine;
using RdmaStack.Cli.Ha;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack ha node`: one server process of `ha demo` (hidden; not for direct use).</summary>
internal static class HaNodeCommand
{
    public static Command Create()
    {
        var settings = new HaSettingsOptionSet();
        var member = new HaMemberOptionSet();
        var server = new Option<int>("--server") { Description = "0 or 1", Required = true };
        var role = new Option<string>("--role") { Description = "primary or backup", Required = true };
        role.AcceptOnlyFromAmong("primary", "backup");
        var journal = new Option<string>("--journal") { Description = "The journal file", Required = true };
        var ledger = new Option<string>("--ledger") { Description = "The reference-price ledger file", Required = true };
        var capacity = new Option<long>("--ledger-capacity") { Description = "The highest sequence the ledger holds", DefaultValueFactory = _ => 1L << 24 };
        var window = new Option<int>("--session-window") { Description = "Replies each client session keeps for resends", DefaultValueFactory = _ => 64 };
        server.Whole(0, 1);
        capacity.Whole(1L, 1L << 40, "sequences");
        window.Whole(1, HaLimits.MaxWindow * 64, "replies per client");
        var command = new Command("node", "One server of `ha demo` (started by it)") { Hidden = true };
        settings.AddTo(command);
        member.AddTo(command);
        command.Options.Add(server);
        command.Options.Add(role);
        command.Options.Add(journal);
        command.Options.Add(ledger);
        command.Options.Add(capacity);
        command.Options.Add(window);
        command.SetAction(result => CommandRunner.Run(() => HaServerHost.Run(
            new HaNodeOptions(
                settings.Bind(result),
                result.GetValue(member.Service)!,
                result.GetValue(member.Servers),
                result.GetValue(server),
                result.GetValue(role) == "primary" ? ReplicaRole.Primary : ReplicaRole.Backup,
                result.GetValue(journal)!,
                result.GetValue(ledger)!,
                result.GetValue(capacity),
                result.GetValue(member.Directory))
            {
                SessionWindow = result.GetValue(window),
            },
            Console.Out)));
        return command;
    }
}
