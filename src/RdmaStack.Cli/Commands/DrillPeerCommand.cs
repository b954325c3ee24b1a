using System.CommandLine;
using System.Text.Json;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Drill;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack drill-peer`: one of the two processes `drill --provider verbs` starts (hidden; not for direct use).</summary>
internal static class DrillPeerCommand
{
    public static Command Create()
    {
        var set = new DrillOptionSet();
        var role = new Option<string>("--role") { Description = "sender or receiver", Required = true };
        role.AcceptOnlyFromAmong("sender", "receiver");
        var name = new Option<string>("--name") { Description = "Run name (handshake files)", Required = true };
        var command = new Command(VerbsDrill.PeerCommand, "One process of the verbs drill (started by `rdmastack drill --provider verbs`)") { Hidden = true };
        command.Options.Add(role);
        command.Options.Add(name);
        set.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            VerbsDrillOptions options = set.BindVerbs(result);
            string run = result.GetValue(name)!;
            string json;
            bool ok;
            if (result.GetValue(role) == "sender")
            {
                VerbsDrillSenderResult r = new VerbsDrillSender(options, run, Console.Out).Run();
                json = JsonSerializer.Serialize(r, DrillJsonContext.Default.VerbsDrillSenderResult);
                ok = r.Error is null;
            }
            else
            {
                VerbsDrillReceiverResult r = new VerbsDrillReceiver(options, run).Run();
                json = JsonSerializer.Serialize(r, DrillJsonContext.Default.VerbsDrillReceiverResult);
                ok = r.Error is null;
            }

            Console.Out.WriteLine(PeerPair.ResultPrefix + json);
            Console.Out.Flush();
            return ok ? 0 : 1;
        }));
        return command;
    }
}
