using System.CommandLine;
using RdmaStack.Cli.Perf;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack perf write-lat | write-bw`: perftest-style latency and bandwidth between two processes.</summary>
internal static class PerfCommand
{
    public static Command Create()
    {
        var perf = new Command("perf", "perftest-style benchmarks between two processes: write-lat (one-way latency = RTT/2), write-bw (message rate)");
        perf.Subcommands.Add(Create("write-lat", PerfTest.WriteLatency, "Ping-pong one message each way per size; t_min, t_typical, t_avg, p99, p99.9 of RTT/2 (HdrHistogram)"));
        perf.Subcommands.Add(Create("write-bw", PerfTest.WriteBandwidth, "Stream messages one way per size; msg/s and MB/s at the receiver"));
        return perf;
    }

    private static Command Create(string name, PerfTest test, string description)
    {
        var set = new PerfOptionSet();
        var command = new Command(name, description);
        set.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
            PerfRunner.Run(set.Bind(test, result), "rdmastack " + string.Join(' ', result.Tokens.Select(t => t.Value)), Console.Out)));
        return command;
    }
}
