using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Tests.Journal;
using RdmaStack.HighAvailability.Verification;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>Replication without a primary failure: agreement, verification, a backup that dies and returns,
/// and both replicas dying.</summary>
public class ReplicationTests(ITestOutputHelper output)
{
    [Fact]
    public void Primary_and_backup_digests_agree_at_every_checkpoint()
    {
        using var cluster = new ReplicaCluster();
        (ServerSlot primary, ServerSlot backup) = cluster.StartPair();
        cluster.AddClients(4);
        cluster.Drive(150);
        cluster.WaitUntil(() => backup.Node.LastSequence == primary.Node.LastSequence, "the backup to catch up");
        cluster.StopAll();

        long last = primary.Node.LastSequence;
        Assert.Equal(600, last);
        Assert.Equal(last / cluster.CheckpointInterval, FailoverTests.AssertCheckpointsAgree(primary.Node, backup.Node, 1, last));
        Assert.Equal(primary.Node.ComputeStateDigest(), backup.Node.ComputeStateDigest());
        Assert.Null(backup.Node.Divergence);
        Assert.True(backup.Node.Verification.InputsVerified >= last - 1, $"verified {backup.Node.Verification.InputsVerified} of {last}");
        Assert.True(backup.Node.Verification.CheckpointsVerified >= (last / cluster.CheckpointInterval) - 1);
        Assert.Equal(0, backup.Node.ExternalCallsMade); // the backup never calls out
        Assert.Equal(primary.Node.ExternalCallsMade, cluster.Service.Executed);
        Assert.Equal(1, cluster.Service.MaxCallsPerKey);
        FailoverTests.AssertProcessedExactlyOnce(cluster, JournalContents.Read(primary.JournalPath));
        FailoverTests.AssertProcessedExactlyOnce(cluster, JournalContents.Read(backup.JournalPath));
    }

    [Fact]
    public void A_service_reading_the_wall_clock_is_caught_at_the_first_differing_sequence()
    {
        var engines = new List<WallClockEngine>();
        using var cluster = new ReplicaCluster(() =>
        {
            var engine = new WallClockEngine();
            lock (engines)
            {
                engines.Add(engine);
            }

            return engine;
        });
        (ServerSlot primary, ServerSlot backup) = cluster.StartPair();
        cluster.AddClients(3);
        cluster.Drive(80);
        cluster.WaitUntil(() => backup.Node.Divergence is not null, "the divergence to be reported");
        cluster.WaitUntil(() => !primary.Node.IsMirrored, "the primary to go on without the diverged backup");
        cluster.StopAll();

        Divergence divergence = backup.Node.Divergence!;
        output.WriteLine(divergence.ToString());
        (byte Command, byte[] Output) Output(WallClockEngine engine, long sequence) => engine.Outputs[sequence];
        long firstDiffering = engines[0].Outputs.Keys.Where(engines[1].Outputs.ContainsKey).Order()
            .First(sequence => !Output(engines[0], sequence).Output.AsSpan().SequenceEqual(Output(engines[1], sequence).Output));
        Assert.Equal(firstDiffering, divergence.Sequence);
        Assert.Equal(DivergenceKind.Output, divergence.Kind);
        Assert.Equal((byte)OrderCommand.Cancel, engines[0].Outputs[firstDiffering].Command);
        Assert.Contains("sequence " + firstDiffering, divergence.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, primary.Node.BackupLosses);
        Assert.Equal(240, primary.Node.LastSequence); // the primary served every request alone after the backup left
    }

    [Theory]
    [InlineData(Skew.ExtraCall, DivergenceKind.CallCount)]
    [InlineData(Skew.OtherRequest, DivergenceKind.CallRequest)]
    public void A_backup_whose_engine_calls_out_differently_is_caught_at_that_sequence(Skew skew, DivergenceKind expected)
    {
        var skewed = new SkewedEngine(skew, fromSequence: 41);
        int created = 0;
        using var cluster = new ReplicaCluster(() => Interlocked.Increment(ref created) == 1 ? new OrderMatchingEngine() : skewed);
        (ServerSlot primary, ServerSlot backup) = cluster.StartPair();
        cluster.AddClients(3);
        cluster.Drive(40);
        cluster.WaitUntil(() => backup.Node.Divergence is not null && !primary.Node.IsMirrored, "the divergence to be reported");
        cluster.StopAll();

        Assert.True(skewed.SkewedAt >= 41);
        Assert.Equal(skewed.SkewedAt, backup.Node.Divergence!.Sequence);
        Assert.Equal(expected, backup.Node.Divergence.Kind);
        Assert.Equal(0, backup.Node.ExternalCallsMade);
        Assert.Equal(120, primary.Node.LastSequence);
        Assert.Equal(1, cluster.Service.MaxCallsPerKey);
    }

    [Fact]
    public void Backup_death_and_return_keeps_the_service_up_and_the_returned_backup_in_step()
    {
        using var cluster = new ReplicaCluster();
        (ServerSlot primary, ServerSlot backup) = cluster.StartPair();
        cluster.AddClients(3);
        cluster.Drive(50);

        backup.Kill();
        cluster.Drive(120); // answered: the primary goes on alone once the backup is silent
        Assert.Equal(1, primary.Node.BackupLosses);
        Assert.False(primary.Node.IsMirrored);
        Assert.Equal(ReplicaRole.Primary, primary.Node.Role);

        ServerSlot returned = cluster.Start(1, ReplicaRole.Backup);
        cluster.WaitUntil(() => returned.Node.IsJoined && primary.Node.IsMirrored, "the backup to return");
        long joinedAt = returned.Node.LastSequence;
        Assert.True(joinedAt >= 360, $"the returned backup joined at {joinedAt}");
        cluster.Drive(200);
        cluster.WaitUntil(() => returned.Node.LastSequence == primary.Node.LastSequence, "the returned backup to catch up");
        cluster.AssertEveryReplyReproducedOnResend(index: 0);
        cluster.StopAll();

        Assert.Equal(2, primary.Node.SnapshotsSent);
        Assert.Equal(0, returned.Node.Promotions);
        Assert.Equal(0, backup.Node.Promotions);
        Assert.True(FailoverTests.AssertCheckpointsAgree(primary.Node, returned.Node, joinedAt + 1, primary.Node.LastSequence) > 0);
        Assert.Equal(primary.Node.ComputeStateDigest(), returned.Node.ComputeStateDigest());
        Assert.True(returned.Node.Verification.CheckpointsVerified > 0);
        Assert.Null(returned.Node.Divergence);
        Assert.Equal(1, cluster.Service.MaxCallsPerKey);
        FailoverTests.AssertProcessedExactlyOnce(cluster, JournalContents.Read(primary.JournalPath));

        // The returned backup's journal starts from the transferred state and replays to the same state.
        JournalContents journal = JournalContents.Read(returned.JournalPath);
        Assert.Equal(joinedAt, Assert.Single(journal.Snapshots).Sequence);
        Assert.Equal(primary.Node.LastSequence - joinedAt, journal.Transactions.Count);
    }

    [Fact]
    public void Journal_replay_after_both_die_restores_every_flushed_record_and_cuts_a_torn_tail()
    {
        const int flushRecords = 16;
        using var cluster = new ReplicaCluster { FlushRecords = flushRecords, FlushInterval = TimeSpan.FromHours(1) };
        (ServerSlot primary, ServerSlot backup) = cluster.StartPair();
        cluster.AddClients(3);
        cluster.Drive(100);
        long processed = primary.Node.LastSequence;
        // Quiet now: the flusher writes every full batch of records, so at most one batch is not on disk.
        cluster.WaitUntil(() => primary.Node.DurableSequence > processed - flushRecords, "the flusher to write the full batches");

        primary.Kill();
        backup.Kill();
        long durable = primary.Node.DurableSequence;
        Assert.InRange(processed - durable, 0, flushRecords - 1);

        // A crash in the middle of an append: half a frame at the end of the file.
        byte[] torn = [0x40, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 1, 2, 3, 4, 5, 6, 7];
        using (var file = new FileStream(primary.JournalPath, FileMode.Append))
        {
            file.Write(torn);
        }

        ServerSlot restarted = cluster.Start(0, ReplicaRole.Primary, journal: primary.JournalPath);
        Assert.Equal(durable, restarted.Node.LastReplay!.Value.LastSequence);
        Assert.Equal(torn.Length, restarted.Node.LastReplay!.Value.CutBytes);
        Assert.Equal(durable, restarted.Node.LastSequence);
        output.WriteLine($"processed {processed}, durable {durable}, replayed {restarted.Node.LastReplay}");

        // What was replayed is what ran before, and it answers the old requests from its records.
        cluster.AssertEveryReplyReproducedOnResend(index: 0, record => record <= durable);
        cluster.AddClients(2);
        cluster.Drive(100);
        cluster.StopAll();
        Assert.True(FailoverTests.AssertCheckpointsAgree(primary.Node, restarted.Node, 1, durable) >= durable / cluster.CheckpointInterval);
        Assert.Equal(durable + 200, restarted.Node.LastSequence);
    }
}
