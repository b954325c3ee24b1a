using System.CommandLine;
using System.Globalization;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Cli.Commands;

/// <summary>`rdmastack demo`: two processes, a segmented queue each way over shared memory, a stream then a ping-pong.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var set = new DemoOptionSet();
        var command = new Command(
            "demo",
            "Stream messages between two processes over a shared-memory segmented queue, check every one, then time round trips.");
        set.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            DemoOptions options = set.Bind(result);
            return Run(options, Console.Out);
        }));
        return command;
    }

    public static int Run(DemoOptions options, TextWriter console)
    {
        var ic = CultureInfo.InvariantCulture;
        console.WriteLine($"RdmaStack demo: segmented queue between two processes ({options.Provider.Description})");
        console.WriteLine(string.Create(ic, $"  queue      {options.Geometry}"));
        console.WriteLine($"  cpus       {HotThread.Describe(options.Cpus)}");
        console.WriteLine(string.Create(ic, $"  stream     {options.Count:N0} messages of {options.Size} B, then {options.Pings:N0} round trips (+{options.Warmup:N0} warm-up)"));
        DemoOutcome outcome = DemoRunner.Run(options, console);
        ReceiverResult? r = outcome.Receiver;
        SenderResult? s = outcome.Sender;
        if (r is not null && s is not null)
        {
            double seconds = r.StreamSeconds > 0 ? r.StreamSeconds : s.StreamSeconds;
            double rate = seconds > 0 ? r.Received / seconds : 0;
            console.WriteLine(string.Create(ic, $"stream     {r.Received:N0} received in {seconds:0.000} s: {rate:N0} msg/s, {rate * options.Size / 1e6:N1} MB/s"));
            console.WriteLine(string.Create(ic, $"           writer back-pressured {s.BackPressured:N0} times; reader published its head {r.HeadPublications:N0} times"));
            console.WriteLine(string.Create(ic, $"           queue checks: corrupt slots {r.CorruptSlots}, sequence errors {r.SequenceErrors}, torn reads retried {r.TornReads}"));
            console.WriteLine(string.Create(ic, $"ping-pong  {s.RoundTrips:N0} round trips of {options.Size} B: RTT min {Us(s.RttMinNs)}  p50 {Us(s.RttP50Ns)}  p99 {Us(s.RttP99Ns)}  p99.9 {Us(s.RttP999Ns)}  max {Us(s.RttMaxNs)}  mean {Us(s.RttMeanNs)} us"));
            console.WriteLine("           (each RTT includes two Stopwatch reads, about 25 ns each here)");
            foreach (string? error in new[] { r.Error, s.Error })
            {
                if (error is not null)
                {
                    console.WriteLine($"error      {error}");
                }
            }
        }

        if (outcome.Error is not null)
        {
            console.WriteLine($"error      {outcome.Error}");
        }

        console.WriteLine(string.Create(ic, $"result     {(outcome.Passed ? "PASS" : "FAIL")}: lost {outcome.Lost}, duplicated {outcome.Duplicated}, corrupted {outcome.Corrupted}, out of order {outcome.OutOfOrder}"));
        return outcome.Passed ? 0 : 1;
    }

    private static string Us(double nanoseconds) => (nanoseconds / 1000).ToString("0.000", CultureInfo.InvariantCulture);
}
