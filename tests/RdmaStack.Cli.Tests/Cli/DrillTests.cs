using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Drill;

namespace RdmaStack.Tests.Cli;

/// <summary>The failover drill end to end: two threads, seeded faults of every kind, links restored.</summary>
public class DrillTests
{
    [Fact]
    public void Drill_with_every_fault_kind_loses_repeats_and_reorders_nothing()
    {
        var options = new DrillOptions(
            Failures: 60, Seed: 7, Count: 120_000, Links: 2, Segments: 4, Slots: 32, Size: 32,
            Kinds: [FaultKind.Kill, FaultKind.Corrupt, FaultKind.Drop], Cpus: null, StallTimeout: TimeSpan.FromSeconds(30));
        DrillReport r = FailoverDrill.Run(options, TextWriter.Null);
        Assert.True(r.Passed, $"{r.Error}; lost {r.Lost}, dup {r.Duplicated}, ooo {r.OutOfOrder}, corrupted {r.Corrupted}, injected {r.Injected}");
        Assert.Equal(120_000, r.Delivered);
        Assert.Equal(60, r.Injected);
        Assert.True(r.Failovers >= 60, $"{r.Failovers} failovers for 60 faults");
        Assert.True(r.Restores >= r.Failovers - 1, $"{r.Restores} links re-established after {r.Failovers} failovers"); // the last may still be under way
        Assert.All(r.InjectedByKind.Values, n => Assert.True(n > 0));
        Assert.NotNull(r.Switchover);
    }

    [Fact]
    public void Three_links_take_turns()
    {
        var options = new DrillOptions(30, 11, 60_000, Links: 3, 3, 16, 16, [FaultKind.Kill], null, TimeSpan.FromSeconds(30));
        DrillReport r = FailoverDrill.Run(options, TextWriter.Null);
        Assert.True(r.Passed, r.Error);
        Assert.True(r.Failovers >= 30, $"{r.Failovers} failovers for 30 kills");
    }

    [Fact]
    public void Parses_fault_kinds()
    {
        Assert.Equal([FaultKind.Kill], DrillCommand.ParseKinds("kill"));
        Assert.Equal([FaultKind.Kill, FaultKind.Drop], DrillCommand.ParseKinds("Kill, drop,kill"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("kill,unplug")]
    public void Rejects_unknown_fault_kinds(string text) =>
        Assert.Throws<FormatException>(() => DrillCommand.ParseKinds(text));
}
