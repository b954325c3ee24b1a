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
        if (r is not null)
        {
            double seconds = r.StreamSeconds > 0 ? r.StreamSeconds : s?.StreamSeconds ?? 0;
            double rate = seconds > 0 ? r.Received / seconds : 0;
            console.WriteLine(string.Create(ic, $"stream     {r.Received:N0} received in {seconds:0.000} s: {rate:N0} msg/s, {rate * options.Size / 1e6:N1} MB/s"));
            if (s is not null)
            {
                console.WriteLine(string.Create(ic, $"           writer back-pressured {s.BackPressured:N0} times; reader published its head {r.HeadPublications:N0} times"));
            }

            console.WriteLine(string.Create(ic, $"           queue checks: corrupt slots {r.CorruptSlots}, sequence errors {r.SequenceErrors}, torn reads retried {r.TornReads}"));
        }

        if (s is not null)
        {
            console.WriteLine(s is { RoundTrips: > 0, RttP50Ns: not null }
                ? string.Create(ic, $"ping-pong  {s.RoundTrips:N0} round trips of {options.Size} B: RTT min {Us(s.RttMinNs)}  p50 {Us(s.RttP50Ns)}  p99 {Us(s.RttP99Ns)}  p99.9 {Us(s.RttP999Ns)}  max {Us(s.RttMaxNs)}  mean {Us(s.RttMeanNs)} us")
                : options.Pings == 0 ? "ping-pong  no round trips measured (--pings 0): no round-trip times to report" : "ping-pong  no round trip measured: no round-trip times to report");
            if (s.RoundTrips > 0)
            {
                console.WriteLine("           (each RTT includes two Stopwatch reads, about 25 ns each here)");
            }
        }

        foreach (string? error in new[] { r?.Error, s?.Error, outcome.Error })
        {
            if (error is not null)
            {
                console.WriteLine($"error      {error}");
            }
        }

        // Without the receiver's report nothing is known of what arrived: say so, and what the sender saw acknowledged,
        // never "lost 0".
        console.WriteLine(r is null
            ? string.Create(ic, $"result     FAIL: the receiver reported nothing, so what it received is unknown; {(s is null ? "the sender reported nothing either" : $"the sender saw {s.Acknowledged:N0} of {options.Count:N0} stream messages acknowledged ({options.Count - s.Acknowledged:N0} not confirmed delivered)")}")
            : string.Create(ic, $"result     {(outcome.Passed ? "PASS" : "FAIL")}: lost {outcome.Lost}, duplicated {outcome.Duplicated}, corrupted {outcome.Corrupted}, out of order {outcome.OutOfOrder}"));
        return outcome.InterruptSignal != 0 ? 128 + outcome.InterruptSignal : outcome.Passed ? 0 : 1;
    }

    private static string Us(double? nanoseconds) => ((nanoseconds ?? double.NaN) / 1000).ToString("0.000", CultureInfo.InvariantCulture);
}
