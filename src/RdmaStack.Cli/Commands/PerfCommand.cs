using System.CommandLine;
using RdmaStack.Cli.Perf;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack perf write-lat | write-bw`: perftest-style latency and bandwidth between two processes.</summary>
internal static class PerfCommand
{
    /// <summary>The least --threshold of `perf compare`, in %: finer than a run's own noise.</summary>
    public const double MinThreshold = 0.01;

    /// <summary>The largest --threshold of `perf compare`, in %.</summary>
    public const double MaxThreshold = 1000;

    /// <summary>The most rounds `perf compare-report` takes.</summary>
    public const int MaxRounds = 1000;

    public static Command Create()
    {
        var perf = new Command("perf", "perftest-style benchmarks between two processes: write-lat (one-way latency = RTT/2), write-bw (message rate)");
        perf.Subcommands.Add(Create("write-lat", PerfTest.WriteLatency, "Ping-pong one message each way per size; t_min, t_typical, t_avg, p99, p99.9 of RTT/2 (HdrHistogram)"));
        perf.Subcommands.Add(Create("write-bw", PerfTest.WriteBandwidth, "Stream messages one way per size; msg/s and MB/s at the receiver"));
        perf.Subcommands.Add(CreateCompare());
        perf.Subcommands.Add(CreateCompareReport());
        return perf;
    }

    /// <summary>`perf compare A.json B.json`: what moved between two runs.</summary>
    private static Command CreateCompare()
    {
        var first = new Argument<string>("a") { Description = "The earlier run: hw-lab/connectx/run.sh's run-DATE.json, or the file of `rdmastack perf --json`" };
        var second = new Argument<string>("b") { Description = "The later run, either kind" };
        var threshold = new Option<double>("--threshold") { Description = "Flag a change of a figure beyond this many %", DefaultValueFactory = _ => PerfCompare.DefaultThreshold };
        threshold.Number(MinThreshold, MaxThreshold, "percent");
        var command = new Command("compare", "What moved between two runs: per test, implementation and size, A, B and the change of the figures that matter, flagged beyond --threshold; and the host facts that differ");
        command.Arguments.Add(first);
        command.Arguments.Add(second);
        command.Options.Add(threshold);
        command.SetAction(result => CommandRunner.Run(() =>
            PerfCompare.Run(PerfRunFile.Load(result.GetValue(first)!), PerfRunFile.Load(result.GetValue(second)!), result.GetValue(threshold), Console.Out)));
        return command;
    }

    /// <summary>`perf compare-report`: the table of `./build.sh bench compare` from the rounds it ran.</summary>
    private static Command CreateCompareReport()
    {
        var work = new Option<string>("--work") { Description = "Folder with the rounds' raw results", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for compare.json, compare.md and the plot data", Required = true };
        var rounds = new Option<int>("--rounds") { Description = "Rounds that ran", DefaultValueFactory = _ => 3 };
        rounds.Whole(1, MaxRounds);
        var invoked = new Option<string>("--invocation") { Description = "The command to record", DefaultValueFactory = _ => "./build.sh bench compare" };
        var command = new Command("compare-report", "Median of each figure over the rounds of ./build.sh bench compare, beside its baseline with the ratio") { Hidden = true };
        command.Options.Add(work);
        command.Options.Add(output);
        command.Options.Add(rounds);
        command.Options.Add(invoked);
        command.SetAction(result => CommandRunner.Run(() =>
            CompareReport.Run(result.GetValue(work)!, result.GetValue(output)!, result.GetValue(rounds), result.GetValue(invoked)!, Console.Out)));
        return command;
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
