using System.CommandLine;
using System.Text.Json;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack demo-peer`: one of the two processes `demo` starts (hidden; not for direct use).</summary>
internal static class DemoPeerCommand
{
    public const string ResultPrefix = PeerPair.ResultPrefix;

    public static Command Create()
    {
        var set = new DemoOptionSet();
        var role = new Option<string>("--role") { Description = "sender or receiver", Required = true };
        role.AcceptOnlyFromAmong("sender", "receiver");
        var name = new Option<string>("--name") { Description = "Queue name prefix", Required = true };
        var command = new Command("demo-peer", "One process of the demo (started by `rdmastack demo`)") { Hidden = true };
        command.Options.Add(role);
        command.Options.Add(name);
        set.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            PeerShutdown.Install(); // SIGINT/SIGTERM/SIGHUP end the loops, which report and close (no file left behind)
            DemoOptions options = set.Bind(result);
            string queue = result.GetValue(name)!;
            string json;
            bool ok;
            HotThread.Pin(result.GetValue(role)!, options.Cpus);
            string side = result.GetValue(role)!;
            using PeerStreams streams = PeerStreams.Open(options.Provider.FabricOptions(side, options.Geometry), side, queue, options.StallTimeout);
            if (side == "sender")
            {
                SenderResult r = DemoSender.Run(streams, options, Console.Out);
                json = JsonSerializer.Serialize(r, DemoJsonContext.Default.SenderResult);
                ok = r.Error is null;
            }
            else
            {
                ReceiverResult r = DemoReceiver.Run(streams, options, Console.Out);
                json = JsonSerializer.Serialize(r, DemoJsonContext.Default.ReceiverResult);
                ok = r.Error is null;
            }

            Console.Out.WriteLine(ResultPrefix + json);
            Console.Out.Flush();
            return ok ? 0 : 1;
        }));
        return command;
    }
}
