using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Tests.Transport;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// A reply is released only once the backup holds the input's record: both replicas driven step by step on
/// the test's thread, with the replication stream stalled.
/// </summary>
public class MirroredRecordTests
{
    [Fact]
    public void A_reply_waits_until_the_backup_acknowledges_the_record()
    {
        var service = new ReferencePriceService();
        using var primary = new ReplicaNode(Options(ReplicaRole.Primary), new OrderMatchingEngine(), [service]);
        using var backup = new ReplicaNode(Options(ReplicaRole.Backup), new OrderMatchingEngine(), [service]);
        var toBackup = new InMemoryStream(ReplicaCluster.MaxMessage);
        var toPrimary = new InMemoryStream(ReplicaCluster.MaxMessage);
        primary.ConnectPeer(toBackup, toPrimary);
        backup.ConnectPeer(toPrimary, toBackup);
        var requests = new InMemoryStream(ReplicaCluster.MaxMessage);
        var replies = new InMemoryStream(ReplicaCluster.MaxMessage);
        primary.AddClient(requests, replies);
        Pump(() => primary.IsMirrored && backup.IsJoined, primary, backup);

        toBackup.Held = true; // the backup sees nothing more for now
        byte[] request = new byte[1 + 16 + OrderRequests.MaxLength];
        var writer = new WireWriter(request);
        writer.Type(MessageType.Request);
        writer.Int64(5);
        writer.Int64(1);
        writer.Advance(OrderRequests.Cancel(writer.Remaining, 42)); // no external call: nothing else waits on the backup
        Assert.True(requests.Offer(writer.Written) > 0);
        for (int pass = 0; pass < 100; pass++)
        {
            primary.DoWork();
            backup.DoWork();
        }

        Assert.Equal(1, primary.LastSequence); // processed...
        Assert.Equal(0, backup.LastSequence);
        Assert.Equal(0, replies.Offered); // ...but not answered: the backup does not hold the record

        toBackup.Held = false;
        Pump(() => replies.Offered == 1, primary, backup);
        Assert.Equal(1, backup.LastSequence);
        var seen = new Dictionary<long, (ReplyStatus Status, long Record, byte[] Output)>();
        var collector = new ReplyCollector(seen);
        replies.Poll(ref collector, 10);
        Assert.Equal(ReplyStatus.Processed, seen[1].Status);
        Assert.Equal(RejectReason.UnknownOrder, OrderReply.Read(seen[1].Output).Reason);
    }

    private static ReplicaOptions Options(ReplicaRole role) => new()
    {
        InitialRole = role,
        MaxMessageLength = ReplicaCluster.MaxMessage,
        MaxCallResponseLength = 64,
        PromotionTimeout = TimeSpan.FromMinutes(1),
        BackupTimeout = TimeSpan.FromMinutes(1),
    };

    private static void Pump(Func<bool> until, ReplicaNode primary, ReplicaNode backup)
    {
        for (int pass = 0; pass < 100_000 && !until(); pass++)
        {
            primary.DoWork();
            backup.DoWork();
        }

        Assert.True(until());
    }
}
