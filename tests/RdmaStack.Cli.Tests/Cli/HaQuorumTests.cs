using System.CommandLine;
using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Ha.Quorum;

namespace RdmaStack.Tests.Cli;

/// <summary>
/// `rdmastack ha quorum` with real processes: a replicator, three processors of the order book and two clients over
/// shared memory, one processor killed with SIGKILL mid-run, or one returning wrong bytes. The runner checks every
/// agreed answer against a replay of the stamped inputs and that every order was answered exactly once.
/// </summary>
public class HaQuorumTests
{
    [Fact]
    public void A_processor_killed_with_SIGKILL_mid_run_leaves_every_answer_right_and_none_twice()
    {
        var options = new QuorumRunOptions { Count = 1_500, KillProcessor = 1, KillAfter = 600, RestartAfter = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(240) };
        var console = new StringWriter();

        int exit = QuorumRunner.Run(options, console);

        string report = console.ToString();
        Assert.True(exit == 0, report);
        Assert.Contains("SIGKILL to processor 1", report, StringComparison.Ordinal);
        Assert.Contains("answers    3,000 of 3,000 orders answered", report, StringComparison.Ordinal);
        Assert.Contains("result     PASS: wrong answers 0, duplicated 0, missing 0", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_processor_returning_wrong_bytes_is_ejected_and_every_answer_stays_right()
    {
        var options = new QuorumRunOptions { Count = 1_000, CorruptProcessor = 2, CorruptEvery = 10, Timeout = TimeSpan.FromSeconds(240) };
        var console = new StringWriter();

        int exit = QuorumRunner.Run(options, console);

        string report = console.ToString();
        Assert.True(exit == 0, report);
        Assert.Contains("ejected (Disagreement)", report, StringComparison.Ordinal);
        Assert.Contains("agreed 2,000, no quorum 0", report, StringComparison.Ordinal);
        Assert.Contains("wrong 0", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--kill-processor 3", "--kill-processor 3: the processors are 0 to 2.")]
    [InlineData("--processors 5 --quorum 2", "--quorum 2: from a majority, 3, to --processors, 5 (or 0 for the majority).")]
    [InlineData("--provider verbs", "--provider verbs needs --device")]
    public void Rejects_options_that_cannot_run(string arguments, string error)
    {
        Command command = HaQuorumCommand.Create();
        ParseResult result = command.Parse(arguments);

        Assert.Contains(CommandChecks.Errors(result), e => e.Contains(error, StringComparison.Ordinal));
    }
}
