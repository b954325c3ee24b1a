using System.CommandLine;
using RdmaStack.Cli.Ha;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack ha client`: one client process of `ha demo` (hidden; not for direct use).</summary>
internal static class HaClientCommand
{
    public static Command Create()
    {
        var settings = new HaSettingsOptionSet();
        var member = new HaMemberOptionSet();
        var client = new Option<long>("--client") { Description = "The client's id", Required = true };
        var latency = new Option<int>("--latency-orders") { Description = "Orders sent one at a time and timed before streaming", DefaultValueFactory = _ => 0 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed orders before those", DefaultValueFactory = _ => 0 };
        var window = new Option<int>("--window") { Description = "Orders in flight while streaming", DefaultValueFactory = _ => 8 };
        var rate = new Option<int>("--rate") { Description = "Orders per second while streaming", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "The order flow's seed", DefaultValueFactory = _ => 1 };
        var log = new Option<string>("--log") { Description = "Where the requests and replies go at the end", Required = true };
        client.Whole(0L, int.MaxValue);
        latency.Whole(0, RunChecks.MaxMeasured, "one sample each");
        warmup.Whole(0, RunChecks.MaxMeasured);
        window.Whole(1, HaLimits.MaxWindow);
        rate.Whole(1, HaLimits.MaxRate, "orders per second");
        seed.Whole(int.MinValue, int.MaxValue);
        var command = new Command("client", "One client of `ha demo` (started by it)") { Hidden = true };
        settings.AddTo(command);
        member.AddTo(command);
        foreach (Option option in new Option[] { client, latency, warmup, window, rate, seed, log })
        {
            command.Options.Add(option);
        }

        command.SetAction(result => CommandRunner.Run(() => HaClientHost.Run(
            new HaClientOptions(
                settings.Bind(result),
                result.GetValue(member.Service)!,
                result.GetValue(member.Servers),
                result.GetValue(client),
                result.GetValue(latency),
                result.GetValue(warmup),
                Math.Max(1, result.GetValue(window)),
                result.GetValue(rate),
                result.GetValue(seed),
                result.GetValue(log)!,
                TimeSpan.FromSeconds(result.GetValue(member.Timeout)),
                result.GetValue(member.Directory)),
            Console.Out)));
        return command;
    }
}
