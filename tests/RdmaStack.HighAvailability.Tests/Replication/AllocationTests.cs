using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Tests.Transport;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// The hot path allocates nothing once connected: a client's request through the primary (session manager,
/// dispatcher, replication, engine, record, journal append) and the backup (apply, acknowledge, verify), and
/// the reply back, many times over.
/// </summary>
public sealed class AllocationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rdmastack-alloc-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_mirrored_round_trip_allocates_nothing_after_warm_up()
    {
        const int max = 256;
        using var primary = new ReplicaNode(Options(ReplicaRole.Primary, "p.journal"), new EchoEngine(), []);
        using var backup = new ReplicaNode(Options(ReplicaRole.Backup, "b.journal"), new EchoEngine(), []);
        var toBackup = new RingStream(max, 64);
        var toPrimary = new RingStream(max, 64);
        primary.ConnectPeer(toBackup, toPrimary);
        backup.ConnectPeer(toPrimary, toBackup);
        var requests = new RingStream(max, 64);
        var replies = new RingStream(max, 64);
        primary.AddClient(requests, replies);
        var client = new ReplicaClient(1, new ReplicaClientOptions { MaxMessageLength = max, Window = 8 });
        client.AddServer(requests, replies);
        for (int pass = 0; pass < 100_000 && !(primary.IsMirrored && backup.IsJoined); pass++)
        {
            primary.DoWork();
            backup.DoWork();
        }

        Assert.True(primary.IsMirrored && backup.IsJoined);
        var counter = new Counter();
        byte[] payload = new byte[32];
        RoundTrips(primary, backup, client, ref counter, payload, 5_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrips(primary, backup, client, ref counter, payload, 20_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(25_000, counter.Replies);
        Assert.Equal(0, allocated);
        Assert.Equal(25_000, backup.LastSequence);
    }

    private static void RoundTrips(ReplicaNode primary, ReplicaNode backup, ReplicaClient client, ref Counter counter, byte[] payload, int count)
    {
        long target = counter.Replies + count;
        while (counter.Replies < target)
        {
            payload[0]++;
            if (client.Submit(payload) == 0)
            {
                return;
            }

            while (client.Unanswered > 0)
            {
                primary.DoWork();
                backup.DoWork();
                client.Poll(ref counter);
            }
        }
    }

    private ReplicaOptions Options(ReplicaRole role, string journal) => new()
    {
        InitialRole = role,
        MaxMessageLength = 256,
        MaxCallResponseLength = 64,
        JournalPath = Path.Combine(_folder, journal),
        PromotionTimeout = TimeSpan.FromMinutes(1),
        BackupTimeout = TimeSpan.FromMinutes(1),
        CheckpointInterval = 16,
    };

    private struct Counter : IReplyHandler
    {
        public long Replies { get; private set; }

        public void OnReply(long clientSequence, ReplyStatus status, long recordSequence, ReadOnlySpan<byte> output) => Replies++;
    }
}
