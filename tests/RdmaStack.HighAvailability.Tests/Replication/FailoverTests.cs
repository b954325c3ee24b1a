using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Tests.Journal;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// The primary dies at the worst moments of an input; the backup promotes, the clients resend, the former
/// primary rejoins as the backup. Checked: nothing acknowledged is lost, nothing runs twice, every reply a
/// client saw comes back the same on a resend, each external call key reaches the service once, and the
/// replicas' digests agree at every checkpoint.
/// </summary>
public class FailoverTests(ITestOutputHelper output)
{
    private const int Clients = 3;
    private const int BeforeKill = 60;
    private const int BeforeRejoin = 120;
    private const int AfterRejoin = 180;
    private const long CrashAt = 70;

    public static TheoryData<string, bool> Moments => new()
    {
        { nameof(ReplicaHookPoint.InputReplicated), false },
        { nameof(ReplicaHookPoint.InputReplicated), true },
        { nameof(ReplicaHookPoint.IntentAcknowledged), false },
        { nameof(ReplicaHookPoint.CallExecuted), false },
        { nameof(ReplicaHookPoint.CallExecuted), true },
        { nameof(ReplicaHookPoint.ResultReplicated), false },
        { nameof(ReplicaHookPoint.Processed), false },
        { nameof(ReplicaHookPoint.ReplyReleasing), false },
        { "BetweenPasses", false },
    };

    [Theory]
    [MemberData(nameof(Moments))]
    public void Primary_killed_mid_stream_loses_nothing_acknowledged_and_runs_nothing_twice(string moment, bool dropUndelivered) =>
        KillMidStream(moment, dropUndelivered, repeatable: false);

    /// <summary>
    /// A repeatable service (a read) is called without the intent round trip: a primary killed after the call and
    /// before its result reached the backup leaves nothing to look up, and the new primary calls the same key again
    /// (the service answers it as the first time). Orders are still processed once, every reply reproduced on resend.
    /// </summary>
    [Theory]
    [InlineData(nameof(ReplicaHookPoint.CallExecuted), false)]
    [InlineData(nameof(ReplicaHookPoint.CallExecuted), true)]
    [InlineData(nameof(ReplicaHookPoint.ResultReplicated), false)]
    [InlineData(nameof(ReplicaHookPoint.ReplyReleasing), false)]
    public void Primary_killed_mid_stream_with_repeatable_calls_loses_nothing_and_runs_no_order_twice(string moment, bool dropUndelivered) =>
        KillMidStream(moment, dropUndelivered, repeatable: true);

    private void KillMidStream(string moment, bool dropUndelivered, bool repeatable)
    {
        using var cluster = new ReplicaCluster(repeatableCalls: repeatable);
        bool hooked = moment != "BetweenPasses";
        ReplicaHookPoint point = hooked ? Enum.Parse<ReplicaHookPoint>(moment) : default;
        long crashedAt = 0;
        Action<ReplicaHookPoint, long>? hook = hooked
            ? (p, sequence) =>
            {
                if (p == point && sequence >= CrashAt && Interlocked.CompareExchange(ref crashedAt, sequence, 0) == 0)
                {
                    throw new SimulatedCrashException();
                }
            }
            : null;
        (ServerSlot first, ServerSlot second) = cluster.StartPair(hook, dropUndelivered);
        cluster.AddClients(Clients);

        // Without a hook, another thread kills the primary between two passes of its loop, mid-stream.
        var killer = new Thread(() =>
        {
            while (!hooked && first.Node.LastSequence < CrashAt)
            {
                Thread.Sleep(1);
            }

            if (!hooked)
            {
                first.Kill();
            }
        });
        killer.Start();
        cluster.Drive(BeforeKill);
        cluster.Drive(BeforeRejoin);
        killer.Join();
        long repeatsAnswered = second.Node.RepeatsAnswered;
        Assert.True(first.Crashed, $"the primary was not stopped at {moment}");
        if (hooked && !dropUndelivered)
        {
            // The input the primary died in reached the backup, which applied it before serving: the client's
            // resend of it was answered from its record, not processed again.
            Assert.True(repeatsAnswered >= 1, "no resend was answered from a record");
        }

        Assert.Equal(ReplicaRole.Primary, second.Node.Role);
        Assert.Equal(1, second.Node.Promotions);
        Assert.Null(second.Node.Divergence);
        Assert.True(second.Node.Verification.InputsVerified > 0);

        // The former primary restarts and rejoins as the backup (state transfer); the stream goes on.
        ServerSlot rejoined = cluster.Start(0, ReplicaRole.Backup);
        cluster.WaitUntil(() => rejoined.Node.IsJoined && second.Node.IsMirrored, "the former primary to rejoin");
        long joinedAt = rejoined.Node.LastSequence;
        cluster.Drive(AfterRejoin);
        cluster.WaitUntil(() => rejoined.Node.LastSequence == second.Node.LastSequence, "the backup to catch up");
        cluster.AssertEveryReplyReproducedOnResend(index: 1);
        cluster.StopAll();
        output.WriteLine(
            $"{moment} drop={dropUndelivered}: crashed at {crashedAt} (applied {first.Node.LastSequence}), promoted at {second.Node.SequenceAtPromotion}, " +
            $"repeats answered {repeatsAnswered} (then {second.Node.RepeatsAnswered} with the probe), calls made {second.Node.ExternalCallsMade} recovered {second.Node.ExternalCallsRecovered}, " +
            $"client switches {cluster.Clients.Sum(c => c.ServerSwitches)} resends {cluster.Clients.Sum(c => c.Resends)}, last {second.Node.LastSequence}, " +
            $"verified {second.Node.Verification.InputsVerified}/{second.Node.Verification.CheckpointsVerified} then {rejoined.Node.Verification.InputsVerified}/{rejoined.Node.Verification.CheckpointsVerified}");

        AssertProcessedExactlyOnce(cluster, JournalContents.Read(second.JournalPath));
        if (repeatable && point == ReplicaHookPoint.CallExecuted && hooked)
        {
            // No intent, nothing to look up: the unreplicated call was made again, with the same key.
            Assert.Equal(2, cluster.Service.MaxCallsPerKey);
            Assert.Equal(0, second.Node.ExternalCallsRecovered);
            Assert.Equal(0, cluster.Service.Lookups);
        }
        else
        {
            Assert.Equal(1, cluster.Service.MaxCallsPerKey);
        }

        long handedOver = Math.Min(first.Node.LastSequence, second.Node.SequenceAtPromotion);
        Assert.True(AssertCheckpointsAgree(first.Node, second.Node, 1, handedOver) >= handedOver / cluster.CheckpointInterval);
        Assert.True(AssertCheckpointsAgree(second.Node, rejoined.Node, joinedAt + 1, second.Node.LastSequence) > 0);
        Assert.Equal(second.Node.ComputeStateDigest(), rejoined.Node.ComputeStateDigest());
        Assert.Null(rejoined.Node.Divergence);
        Assert.True(rejoined.Node.Verification.CheckpointsVerified > 0);
        AssertJournalReplaysTo(cluster, second);
        if (point == ReplicaHookPoint.CallExecuted && hooked && !repeatable)
        {
            Assert.Equal(1, second.Node.ExternalCallsRecovered); // the unresolved call was looked up, not made again
            Assert.Equal(1, cluster.Service.Lookups);
        }
    }

    /// <summary>
    /// The survivor's records: each client request processed once, under the record sequence its reply
    /// named, with the input the client sent and the output the client saw.
    /// </summary>
    internal static void AssertProcessedExactlyOnce(ReplicaCluster cluster, JournalContents journal)
    {
        var byRequest = new Dictionary<(long, long), JournalContents.Transaction>();
        foreach (JournalContents.Transaction transaction in journal.Transactions)
        {
            Assert.True(byRequest.TryAdd((transaction.ClientId, transaction.ClientSequence), transaction),
                $"client {transaction.ClientId} request {transaction.ClientSequence} was processed twice");
        }

        for (int i = 0; i < cluster.Clients.Count; i++)
        {
            OrderFlow flow = cluster.Flows[i];
            Assert.Equal(0, flow.DuplicateReplies);
            Assert.Equal(flow.Requests.Count, flow.Replies.Count);
            foreach ((long sequence, byte[] request) in flow.Requests)
            {
                JournalContents.Transaction record = byRequest[(cluster.Clients[i].ClientId, sequence)];
                Assert.Equal(flow.RecordSequences[sequence], record.Sequence);
                Assert.Equal(request, record.Input);
                Assert.Equal(flow.Replies[sequence], record.Output);
            }
        }

        Assert.Equal(cluster.Flows.Sum(f => f.Requests.Count), journal.Transactions.Count);
    }

    /// <summary>Compares the two replicas' digests at every checkpoint in [from, to] held by both; returns how many.</summary>
    internal static int AssertCheckpointsAgree(ReplicaNode a, ReplicaNode b, long from, long to)
    {
        int compared = 0;
        for (long sequence = 1; sequence <= to; sequence++)
        {
            if (sequence >= from && a.TryGetCheckpointDigest(sequence, out ulong left) && b.TryGetCheckpointDigest(sequence, out ulong right))
            {
                Assert.True(left == right, $"state digests differ at checkpoint {sequence}");
                compared++;
            }
        }

        return compared;
    }

    /// <summary>A fresh replica replaying the survivor's journal reaches the survivor's state.</summary>
    private static void AssertJournalReplaysTo(ReplicaCluster cluster, ServerSlot survivor)
    {
        string copy = Path.Combine(cluster.Folder, "replay.journal");
        File.Copy(survivor.JournalPath, copy);
        using var replayed = new ReplicaNode(cluster.Options(ReplicaRole.Primary, copy), new OrderMatchingEngine(), [cluster.Service]);
        Assert.Equal(survivor.Node.LastSequence, replayed.LastSequence);
        Assert.Equal(survivor.Node.ComputeStateDigest(), replayed.ComputeStateDigest());
        Assert.Equal(0, replayed.LastReplay!.Value.CutBytes);
    }
}
