using RdmaStack.HighAvailability.Quorum;
using RdmaStack.HighAvailability.Tests.Replication;
using RdmaStack.HighAvailability.Tests.Transport;

namespace RdmaStack.HighAvailability.Tests.Quorum;

/// <summary>
/// The quorum's hot path allocates nothing once running: a client's message through the replicator (sequence, stamp,
/// send to three processors), the processors (engine, response), the vote and the reply, many times over, all driven on
/// the test's thread over preallocated streams.
/// </summary>
public sealed class QuorumAllocationTests
{
    [Fact]
    public void A_voted_round_trip_allocates_nothing_after_warm_up()
    {
        var options = new QuorumOptions
        {
            MaxMessageLength = 256,
            MaxCallResponseLength = 64,
            Window = 64,
            HeartbeatTimeout = TimeSpan.FromMinutes(1),
            ResponseTimeout = TimeSpan.FromMinutes(1),
            ReplicatorTimeout = TimeSpan.FromMinutes(1),
        };
        var toProcessors = new RingStream[3];
        var fromProcessors = new RingStream[3];
        var replicator = new QuorumReplicator(
            options,
            [],
            (index, incarnation) => new StreamPair(toProcessors[index] = new RingStream(256, 128), fromProcessors[index] = new RingStream(256, 128)),
            null,
            null);
        QuorumProcessor[] processors = [.. Enumerable.Range(0, 3).Select(i => new QuorumProcessor(i, 1, new EchoEngine(), new StreamPair(fromProcessors[i], toProcessors[i]), options))];
        var requests = new RingStream(256, 64);
        var replies = new RingStream(256, 64);
        replicator.AddClient(1, new StreamPair(replies, requests));
        var client = new QuorumClient(1, new StreamPair(requests, replies), options);
        for (int pass = 0; pass < 1_000 && !replicator.IsStarted; pass++)
        {
            Step(replicator, processors);
        }

        Assert.True(replicator.IsStarted);
        var counter = new Counter();
        byte[] payload = new byte[32];
        RoundTrips(replicator, processors, client, ref counter, payload, 5_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrips(replicator, processors, client, ref counter, payload, 20_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(25_000, counter.Agreed);
        Assert.Equal(0, allocated);
        Assert.All(processors, p => Assert.Equal(25_000, p.LastSequence));
    }

    private static void RoundTrips(QuorumReplicator replicator, QuorumProcessor[] processors, QuorumClient client, ref Counter counter, byte[] payload, int count)
    {
        long target = counter.Agreed + count;
        while (counter.Agreed < target)
        {
            payload[0]++;
            Assert.True(client.Send(payload) > 0);
            long answered = counter.Agreed;
            while (counter.Agreed == answered)
            {
                Step(replicator, processors);
                client.Poll(ref counter, 16);
            }
        }
    }

    private static void Step(QuorumReplicator replicator, QuorumProcessor[] processors)
    {
        replicator.DoWork();
        foreach (QuorumProcessor processor in processors)
        {
            processor.DoWork();
        }
    }

    private struct Counter : IQuorumReplyHandler
    {
        public long Agreed { get; private set; }

        public void OnReply(QuorumReply reply) => Agreed += reply.Status == QuorumReplyStatus.Agreed ? 1 : 0;
    }
}
