using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Tests.Replication;

namespace RdmaStack.HighAvailability.Tests.Transport;

/// <summary>
/// The replicas and clients over the transport's publications and subscriptions (shared memory), each member on a
/// fabric of its own and found through the membership folder: a primary that stops, a promotion the clients learn
/// from the new primary's term, a restarted server that gets new streams under its new incarnation and rejoins, a
/// restarted client whose resends are answered from the records.
/// </summary>
public class FabricBindingTests(ITestOutputHelper output)
{
    [Fact]
    public void Replicas_over_shared_memory_fail_over_and_take_a_restarted_server_back()
    {
        using var set = new FabricReplicaSet();
        FabricReplica first = set.Start(0, ReplicaRole.Primary);
        FabricReplica second = set.Start(1, ReplicaRole.Backup);
        set.WaitUntil(() => first.Node.IsMirrored && second.Node.IsJoined, "the backup to join over the fabric");
        set.AddClient(1, seed: 7919);
        set.AddClient(2, seed: 15838);
        set.Drive(60);
        Assert.All(set.Clients, c => Assert.Equal((1L, 0), (c.PrimaryTerm, c.CurrentServer)));

        first.Stop(); // its streams close and its membership entry goes: the backup hears nothing more
        set.Drive(120);
        Assert.Equal(ReplicaRole.Primary, second.Node.Role);
        Assert.Equal(2, second.Node.Term);
        Assert.All(set.Clients, c => Assert.Equal((2L, 1), (c.PrimaryTerm, c.CurrentServer))); // announced, not timed out

        FabricReplica restarted = set.Start(0, ReplicaRole.Backup); // a new incarnation: new streams everywhere
        set.WaitUntil(() => restarted.Node.IsJoined && second.Node.IsMirrored, "the restarted server to rejoin");
        set.Drive(180);
        set.WaitUntil(() => restarted.Node.LastSequence == second.Node.LastSequence, "the backup to catch up");
        output.WriteLine(set.Describe());

        Assert.Equal(2 * 180, second.Node.LastSequence); // each request processed once: one record each
        Assert.Equal(second.Node.ComputeStateDigest(), restarted.Node.ComputeStateDigest());
        Assert.Null(restarted.Node.Divergence);
        Assert.True(restarted.Node.Verification.CheckpointsVerified > 0);
        Assert.Equal(2, restarted.Node.Term);
        Assert.Equal(1, set.Prices.MaxCallsPerKey);
        var records = new HashSet<long>();
        foreach (OrderFlow flow in set.Flows)
        {
            Assert.Equal(0, flow.DuplicateReplies);
            Assert.Equal(180, flow.Replies.Count);
            Assert.All(flow.RecordSequences.Values, r => Assert.True(records.Add(r), $"record {r} answered two requests"));
        }

        // Client 1 restarts (a new incarnation under the same id) and sends all its requests again: every one is a
        // repeat, answered from its record exactly as the first time.
        OrderFlow original = set.Flows[0];
        set.Clients[0].Dispose();
        set.Clients.RemoveAt(0);
        set.Flows.RemoveAt(0);
        using ReplicaClient again = set.AddClient(1, seed: 1);
        set.Clients.Remove(again); // polled here alone: the set's own polling would hand its replies to another handler
        set.Flows.RemoveAt(set.Flows.Count - 1);
        var resent = new Dictionary<long, (ReplyStatus Status, long Record, byte[] Output)>();
        var collector = new Collector(resent);
        long next = 1;
        set.WaitUntil(
            () =>
            {
                while (next <= original.Requests.Count && again.Submit(original.Requests[next]) != 0)
                {
                    next++;
                }

                again.Poll(ref collector);
                return resent.Count == original.Requests.Count;
            },
            "the restarted client's resends to be answered");
        foreach ((long sequence, byte[] reply) in original.Replies)
        {
            Assert.Equal((ReplyStatus.Processed, original.RecordSequences[sequence]), (resent[sequence].Status, resent[sequence].Record));
            Assert.Equal(reply, resent[sequence].Output);
        }

        Assert.Equal(2 * 180, second.Node.LastSequence);
        Assert.True(second.Node.RepeatsAnswered >= 180, $"{second.Node.RepeatsAnswered} repeats answered from records");
    }

    [Fact]
    public void One_server_alone_serves_its_clients_without_a_mirror()
    {
        using var set = new FabricReplicaSet(servers: 1);
        FabricReplica only = set.Start(0, ReplicaRole.Primary);
        set.AddClient(5, seed: 11);
        set.Drive(100);
        Assert.Equal(100, only.Node.LastSequence);
        Assert.False(only.Node.IsMirrored);
        Assert.Equal(0, set.Flows[0].DuplicateReplies);
    }

    private readonly struct Collector(Dictionary<long, (ReplyStatus Status, long Record, byte[] Output)> seen) : IReplyHandler
    {
        public void OnReply(long clientSequence, ReplyStatus status, long recordSequence, ReadOnlySpan<byte> output) =>
            seen[clientSequence] = (status, recordSequence, output.ToArray());
    }
}
