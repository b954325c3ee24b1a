using System.CommandLine;
using System.Text.Json;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Perf;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack perf-peer`: one of the two processes `perf` starts (hidden; not for direct use).</summary>
internal static class PerfPeerCommand
{
    public static Command Create()
    {
        var set = new PerfOptionSet();
        var role = new Option<string>("--role") { Description = "sender or receiver", Required = true };
        role.AcceptOnlyFromAmong("sender", "receiver");
        var name = new Option<string>("--name") { Description = "Queue name prefix", Required = true };
        var test = new Option<string>("--test") { Description = "write-lat or write-bw", Required = true };
        test.AcceptOnlyFromAmong("write-lat", "write-bw");
        var command = new Command("perf-peer", "One process of `rdmastack perf`") { Hidden = true };
        command.Options.Add(role);
        command.Options.Add(name);
        command.Options.Add(test);
        set.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            PerfOptions options = set.Bind(result.GetValue(test) == "write-lat" ? PerfTest.WriteLatency : PerfTest.WriteBandwidth, result);
            PerfPeerResult r = PerfPeer.Run(result.GetValue(role)!, result.GetValue(name)!, options);
            Console.Out.WriteLine(PeerPair.ResultPrefix + JsonSerializer.Serialize(r, PerfJsonContext.Default.PerfPeerResult).ReplaceLineEndings(" "));
            Console.Out.Flush();
            return r.Error is null ? 0 : 1;
        }));
        return command;
    }
}
