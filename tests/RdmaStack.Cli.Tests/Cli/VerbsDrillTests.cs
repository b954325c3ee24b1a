using System.CommandLine;
using System.Diagnostics;
using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Drill;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Tests.Cli;

/// <summary>What of the verbs drill runs without RDMA: its options, schedule, hand-over of re-established
/// links (here with shared-memory links) and the joining of both processes' results.</summary>
public class VerbsDrillTests
{
    private static (DrillOptionSet Set, ParseResult Result) Parse(string line)
    {
        var set = new DrillOptionSet();
        var command = new Command("drill");
        set.AddTo(command);
        return (set, command.Parse(line));
    }

    [Fact]
    public void Verbs_provider_has_lab_defaults_and_tcg_timing()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider verbs --seed 9");
        Assert.Empty(CommandChecks.Errors(result));
        VerbsDrillOptions o = set.BindVerbs(result);
        Assert.Equal(VerbsDrillOptions.DefaultFailures, o.Drill.Failures);
        Assert.Equal(VerbsDrillOptions.DefaultCount, o.Drill.Count);
        Assert.Equal(2, o.Drill.Links);
        Assert.Equal([FaultKind.Kill], o.Drill.Kinds);
        Assert.Equal(TimeSpan.FromSeconds(1), o.Drill.HeartbeatTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), o.Drill.LostWriteTimeout);
        Assert.Equal(["rxe0", "rxe2"], o.SenderDevices);
        Assert.Equal(["rxe1", "rxe3"], o.ReceiverDevices);
        Assert.Equal(["vethA", "vethC"], o.Interfaces);
        Assert.Equal(12, o.Connection.AckTimeoutExponent);
        Assert.Equal(3, o.Connection.RetryCount);
        Assert.Equal(16_777.216, o.AckTimeoutMicroseconds, 3); // 4.096 us x 2^12
    }

    [Fact]
    public void A_peer_counts_as_gone_only_after_two_links_could_have_been_re_established_and_never_past_the_stall_timeout()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider verbs --seed 9");
        VerbsDrillOptions o = set.BindVerbs(result);
        Assert.Equal(DrillOptions.MinimumGoneTimeout, o.Drill.GoneTimeout); // 3 x 1 s heartbeat bound is below the floor
        Assert.Equal(TimeSpan.FromSeconds(15), DrillOptions.MinimumGoneTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), (o.Drill with { HeartbeatTimeout = TimeSpan.FromSeconds(10) }).GoneTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), (o.Drill with { StallTimeout = TimeSpan.FromSeconds(5) }).GoneTimeout);
    }

    [Fact]
    public void Shared_memory_defaults_are_unchanged()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--seed 1");
        Assert.Empty(CommandChecks.Errors(result));
        DrillOptions o = set.Bind(result);
        Assert.False(set.IsVerbs(result));
        Assert.Equal(200, o.Failures);
        Assert.Equal(2_000_000, o.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(250), o.HeartbeatTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(2), o.LostWriteTimeout);
    }

    [Theory]
    [InlineData("--provider verbs --retry-count 7")]
    [InlineData("--provider verbs --ack-timeout 0")]
    [InlineData("--provider verbs --device rxe0")]
    [InlineData("--provider verbs --interfaces vethA,")]
    [InlineData("--provider verbs --delay 900,300")]
    [InlineData("--provider rdma")]
    public void Rejects_bad_verbs_options(string line) => Assert.NotEmpty(CommandChecks.Errors(Parse(line).Result));

    [Fact]
    public void Peer_arguments_round_trip()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider verbs --seed 42 --failures 3 --count 6400 --device a,b --peer-device c,d --interfaces e,f --ack-timeout 10 --retry-count 2 --delay 5,50");
        VerbsDrillOptions o = set.BindVerbs(result);
        (DrillOptionSet peerSet, ParseResult peer) = Parse(string.Join(' ', o.ToPeerArguments()));
        Assert.Empty(CommandChecks.Errors(peer));
        VerbsDrillOptions back = peerSet.BindVerbs(peer);
        Assert.Equal((3, 42, 6400L, 4, 64, 64), (back.Drill.Failures, back.Drill.Seed, back.Drill.Count, back.Drill.Segments, back.Drill.Slots, back.Drill.Size));
        Assert.Equal(o.Drill.StallTimeout, back.Drill.StallTimeout);
        Assert.Equal((o.Drill.HeartbeatTimeout, o.Drill.LostWriteTimeout), (back.Drill.HeartbeatTimeout, back.Drill.LostWriteTimeout)); // the peers time failures as the parent says
        Assert.True(peerSet.IsVerbs(peer));
        Assert.Equal(o.SenderDevices, back.SenderDevices);
        Assert.Equal(o.ReceiverDevices, back.ReceiverDevices);
        Assert.Equal(o.Interfaces, back.Interfaces);
        Assert.Equal((10, 2), (back.AckTimeoutExponent, back.RetryCount));
        Assert.Equal((TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(50)), (back.MinDelay, back.MaxDelay));
    }

    [Fact]
    public void Schedule_is_seeded_and_within_bounds()
    {
        LinkDownSchedule a = LinkDownSchedule.Create(7, 50, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900));
        LinkDownSchedule b = LinkDownSchedule.Create(7, 50, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900));
        LinkDownSchedule c = LinkDownSchedule.Create(8, 50, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900));
        Assert.Equal(50, a.Delays.Count);
        Assert.Equal(a.Delays, b.Delays);
        Assert.NotEqual(a.Delays, c.Delays);
        Assert.All(a.Delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900)));
        Assert.True(a.Delays.Distinct().Count() > 40, "the waits are spread, not one value");
        Assert.Throws<ArgumentOutOfRangeException>(() => LinkDownSchedule.Create(1, 1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Combines_both_processes_results_matching_switches_by_epoch()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider verbs --seed 3 --failures 2 --count 1000");
        VerbsDrillOptions o = set.BindVerbs(result);
        long f = Stopwatch.Frequency;
        var s = new VerbsDrillSenderResult
        {
            Injected = 2,
            InjectedAt = [10 * f, 20 * f],
            ConfirmedAt = [(10 * f) + (f / 10), -1],
            Links = [0, 1],
            DetectedAt = [(10 * f) + (f / 500), (20 * f) + (f / 5)],
            DetectedBy = ["error completion on the link", "async event on rxe2: port error"],
            FailoverEpochs = [2, 3],
            Failovers = 2,
            Reestablished = 2,
            ReestablishTicks = [f, 2 * f],
        };
        var r = new VerbsDrillReceiverResult { Delivered = 1000, SwitchAt = [(20 * f) + (f / 4), (10 * f) + (f / 100)], SwitchEpochs = [3, 2], Switches = 2 };
        (DrillReport report, IReadOnlyList<string> details) = VerbsDrill.Combine(o, s, r, null, 5);
        Assert.True(report.Passed, report.Error);
        Assert.Equal(2, report.Detection[FaultKind.Kill].Iterations);
        Assert.Equal(2, report.Switchover!.Iterations);
        Assert.InRange(report.Switchover.TMaxNs, 49e6, 51e6); // epoch 3: 0.25 s - 0.2 s
        Assert.InRange(report.Detection[FaultKind.Kill].TMaxNs, 199e6, 201e6);
        Assert.Contains(details, l => l.Contains("detected by error completion: 1", StringComparison.Ordinal));
        Assert.Contains(details, l => l.Contains("detected by async event (port error): 1", StringComparison.Ordinal));
        Assert.Contains(details, l => l.StartsWith("link-downs 2 (link 0: 1, link 1: 1)", StringComparison.Ordinal));

        (DrillReport failed, _) = VerbsDrill.Combine(o, s, r with { Delivered = 999, Lost = 1 }, null, 5);
        Assert.False(failed.Passed);
        (DrillReport missing, _) = VerbsDrill.Combine(o, null, null, "a drill-peer process did not finish", 5);
        Assert.False(missing.Passed);
        Assert.Equal(1000, missing.Lost);
    }

    [Fact]
    public void Keeps_the_routes_the_kernel_will_not_restore_after_a_link_down()
    {
        const string Output = """
            10.77.0.0/24 proto kernel scope link src 10.77.0.1
            10.77.0.2 table 100 src 10.77.0.1
            broadcast 10.77.0.255 table local proto kernel scope link src 10.77.0.1
            local 10.77.0.1 table local proto kernel scope host src 10.77.0.1

            """;
        Assert.Equal(["10.77.0.2 table 100 src 10.77.0.1"], InterfaceControl.ParseRoutes(Output));
        Assert.Empty(InterfaceControl.ParseRoutes(""));
    }
}
