using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Tests.Cli;

/// <summary>The demo's two real processes (the same code `./build.sh demo` runs).</summary>
public class DemoTests
{
    [Fact]
    public void Two_processes_stream_a_million_messages_in_order_and_intact()
    {
        var options = new DemoOptions(1_000_000, 64, 4, 256, Pings: 10_000, Warmup: 1_000, TimeSpan.FromSeconds(30));
        var console = new StringWriter();
        DemoOutcome outcome = DemoRunner.Run(options, console);
        Assert.True(outcome.Passed, console.ToString() + outcome);
        Assert.Equal(1_000_000, outcome.Receiver!.Received);
        Assert.Equal(0, outcome.Lost);
        Assert.Equal(0, outcome.Duplicated);
        Assert.Equal(0, outcome.Corrupted);
        Assert.Equal(0, outcome.Receiver.CorruptSlots + outcome.Receiver.SequenceErrors);
        Assert.Equal(10_000, outcome.Sender!.RoundTrips);
        Assert.True(outcome.Sender.RttP50Ns > 0);
    }

    [Theory]
    [InlineData(2, 1, 64)]
    [InlineData(7, 3, 1)]
    [InlineData(2, 2, 0)]
    public void Edge_geometries_pass_between_processes(int segments, int slots, int size)
    {
        var options = new DemoOptions(100_000, size, segments, slots, Pings: 1_000, Warmup: 100, TimeSpan.FromSeconds(30));
        var console = new StringWriter();
        int exit = DemoCommand.Run(options, console);
        Assert.True(exit == 0, console.ToString());
        Assert.Contains("result     PASS: lost 0, duplicated 0, corrupted 0", console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Payload_check_catches_a_changed_byte()
    {
        byte[] payload = new byte[64];
        DemoPayload.Fill(payload, 42);
        Assert.True(DemoPayload.Verify(payload, 42, 64));
        Assert.False(DemoPayload.Verify(payload, 43, 64));
        payload[40] ^= 1;
        Assert.False(DemoPayload.Verify(payload, 42, 64));
    }

    [Fact]
    public void Checker_counts_gaps_repeats_reordering_and_bad_payloads()
    {
        var checker = new StreamChecker(16, count: 8);
        byte[] p = new byte[16];
        foreach (long s in new long[] { 1, 2, 5, 5, 6, 3, 9 })
        {
            DemoPayload.Fill(p, s);
            checker.OnMessage(p, s);
        }

        DemoPayload.Fill(p, 7);
        p[3] ^= 1;
        checker.OnMessage(p, 7);

        Assert.Equal(8, checker.Received);
        Assert.Equal(2, checker.Lost); // 4 and 8 never came
        Assert.Equal(1, checker.Duplicated); // the second 5
        Assert.Equal(4, checker.OutOfOrder); // 5 after 2, 5 after 5, 3 after 6, 7 after 3 (9 is out of range: only corrupted)
        Assert.Equal(2, checker.Corrupted); // 9 is out of range, 7's payload was changed
    }
}
