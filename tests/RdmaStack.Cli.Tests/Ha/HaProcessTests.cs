using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Ha;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Tests.Cli.Ha;

/// <summary>
/// The replicated order book with real processes that die: each server is an `rdmastack ha node` process this test
/// starts and kills with SIGKILL (by its own process object), the client runs here over shared memory.
/// </summary>
public class HaProcessTests(ITestOutputHelper output)
{
    [Fact]
    public void Sigkill_of_the_primary_mid_stream_loses_no_acknowledged_order_and_runs_none_twice()
    {
        using var processes = new ServerProcesses();
        processes.StartPair();
        var flow = new ClientFlow(seed: 31);
        using (ReplicaClient client = processes.NewClient(1))
        {
            int first = -1;
            processes.Drive(client, flow, orders: 300, at: 100, during: () =>
            {
                first = processes.WaitWhole();
                processes.Servers[first].Kill(); // mid-stream: orders are in flight
            });
            Assert.NotNull(processes.Servers[1 - first].WaitFor("promoted", processes.Servers[first].KilledAt, ServerProcesses.StepTimeout));

            // The former primary restarts, rejoins as the backup, and takes over when the new primary is killed.
            HaChild former = processes.Start(first, ReplicaRole.Backup);
            Assert.Equal(1 - first, processes.WaitWhole());
            int second = -1;
            processes.Drive(client, flow, orders: 450, at: 400, during: () =>
            {
                second = processes.WaitWhole();
                processes.Servers[second].Kill();
            });
            Assert.NotNull(processes.Servers[1 - second].WaitFor("promoted", processes.Servers[second].KilledAt, ServerProcesses.StepTimeout));
            Assert.NotNull(former.Find("joined", 0)); // it rejoined by state transfer (and, unless a false promotion swapped
                                                      // the roles first, it is the one promoted just above)
            processes.Start(second, ReplicaRole.Backup);
            processes.WaitWhole();
        }

        Assert.Equal(0, flow.DuplicateReplies);
        Assert.Equal(450, flow.Answered);
        Assert.Equal(450, flow.Replies.Select(r => r.Value.Record).Distinct().Count()); // one record per order

        // Every acknowledged order is in the survivors' records: a restarted client (the same id, a new incarnation)
        // sends all its orders again, and each is answered from its record exactly as the first time.
        var again = new ClientFlow(flow.Requests);
        using (ReplicaClient restarted = processes.NewClient(1))
        {
            processes.Drive(restarted, again, flow.Requests.Count);
        }

        foreach ((long sequence, (ReplyStatus status, long record, byte[] reply)) in flow.Replies)
        {
            Assert.Equal(ReplyStatus.Processed, status);
            Assert.Equal((ReplyStatus.Processed, record), (again.Replies[sequence].Status, again.Replies[sequence].Record));
            Assert.Equal(reply, again.Replies[sequence].Output);
        }

        (HaServerResult primary, HaServerResult backup) = processes.StopBoth();
        output.WriteLine($"primary {primary}; backup {backup}; server errors: {processes.Errors}");
        Assert.Equal(450, primary.LastSequence); // the resends ran nothing again
        Assert.Equal(primary.LastSequence, backup.LastSequence);
        Assert.Equal(primary.StateDigest, backup.StateDigest);
        Assert.Null(backup.Divergence);
        // Every resend is answered from a record; on a loaded host a false promotion may move the service between the
        // servers while the client resends, so the answers are counted on both.
        Assert.True(primary.RepeatsAnswered + backup.RepeatsAnswered >= 450, $"{primary.RepeatsAnswered} + {backup.RepeatsAnswered} repeats answered from records");
        using var ledger = new SharedReferencePriceService(processes.Ledger, 1 << 20);
        Assert.Equal(0, ledger.Summarize().KeysCalledTwice); // each external call key reached the service once
    }

    [Fact]
    public void A_killed_backup_returns_and_rejoins_while_the_primary_goes_on_alone()
    {
        using var processes = new ServerProcesses();
        processes.StartPair();
        var flow = new ClientFlow(seed: 77);
        int primary = -1;
        int backup = -1;
        using (ReplicaClient client = processes.NewClient(2))
        {
            processes.Drive(client, flow, orders: 200, at: 80, during: () =>
            {
                primary = processes.WaitWhole(); // the roles as they are now: a false promotion may have swapped them
                backup = 1 - primary;
                processes.Servers[backup].Kill();
            });
            Assert.NotNull(processes.Servers[primary].WaitFor("backup-lost", processes.Servers[backup].KilledAt, ServerProcesses.StepTimeout));
            processes.Start(backup, ReplicaRole.Backup); // replays its journal, then joins by state transfer
            Assert.Equal(primary, processes.WaitWhole());
            processes.Drive(client, flow, orders: 400);
        }

        (HaServerResult primaryResult, HaServerResult backupResult) = processes.StopBoth();
        output.WriteLine($"primary {primaryResult}; backup {backupResult}");
        Assert.Equal(400, flow.Answered);
        Assert.Equal(0, flow.DuplicateReplies);
        Assert.Equal(400, primaryResult.LastSequence);
        Assert.Equal(400, backupResult.LastSequence);
        Assert.Equal(primaryResult.StateDigest, backupResult.StateDigest);
        Assert.True(backupResult.CheckpointsVerified > 0, "the returned backup compared no checkpoint");
        Assert.Null(backupResult.Divergence);
    }

    [Theory]
    [InlineData("backoff", "once", "back-off, spin 100 passes, yield 50, then sleep 1 ms")]
    [InlineData("yield", "once", "spin 20 passes, then yield the core, never sleep")]
    [InlineData("backoff", "repeatable", "declared repeatable (reads): called without replicating the intent first")]
    public void The_demo_reports_no_loss_no_double_execution_and_agreeing_digests_over_repeated_kills(string idle, string calls, string described)
    {
        var options = new HaDemoOptions(
            ServerProcesses.Settings with { Idle = idle, Calls = calls }, Clients: 2, LatencyOrders: 300, Warmup: 50, Kills: 3, Window: 8, Rate: 500, Seed: 20261201, ServerProcesses.StepTimeout);
        var console = new StringWriter();
        int exit = RdmaStack.Cli.Commands.HaDemoCommand.Run(options, console);
        output.WriteLine(console.ToString());
        string report = console.ToString();
        Assert.True(exit == 0, report);
        Assert.Contains(described, report, StringComparison.Ordinal);
        if (calls == "once")
        {
            Assert.Contains("result     PASS: lost 0, executed twice 0, external calls made twice 0, digests agree, kills 3", report, StringComparison.Ordinal);
        }
        else
        {
            // A key may reach the ledger again after a kill; every order is still processed once.
            Assert.Matches(@"result     PASS: lost 0, executed twice 0, external calls made twice \d+ \(repeatable: allowed\), digests agree, kills 3", report);
        }
    }
}
