using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Tests.Transport;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// A primary that was only slow, not dead: the backup promoted itself meanwhile. The old primary must not
/// answer anything it processed after that, and comes back as the backup. Both replicas driven step by step.
/// </summary>
public class StepDownTests
{
    [Fact]
    public void A_primary_that_was_only_slow_steps_down_and_rejoins_as_the_backup()
    {
        var service = new ReferencePriceService();
        using var oldPrimary = new ReplicaNode(Options(ReplicaRole.Primary), new OrderMatchingEngine(), [service]);
        using var backup = new ReplicaNode(Options(ReplicaRole.Backup), new OrderMatchingEngine(), [service]);
        var toBackup = new InMemoryStream(ReplicaCluster.MaxMessage);
        var toPrimary = new InMemoryStream(ReplicaCluster.MaxMessage);
        oldPrimary.ConnectPeer(toBackup, toPrimary);
        backup.ConnectPeer(toPrimary, toBackup);
        var requests = new InMemoryStream(ReplicaCluster.MaxMessage);
        var replies = new InMemoryStream(ReplicaCluster.MaxMessage);
        oldPrimary.AddClient(requests, replies);
        Pump(() => oldPrimary.IsMirrored && backup.IsJoined, oldPrimary, backup);
        Send(requests, 1);
        Pump(() => replies.Offered == 1, oldPrimary, backup);

        // The primary stalls (not driven) longer than the promotion bound; the backup takes over.
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (backup.Role != ReplicaRole.Primary && DateTime.UtcNow < deadline)
        {
            backup.DoWork();
            Thread.Sleep(1);
        }

        Assert.Equal(ReplicaRole.Primary, backup.Role);
        toPrimary.Held = true; // the news of the promotion is still on its way
        Send(requests, 2); // reaches the old primary, which does not know yet
        for (int pass = 0; pass < 100; pass++)
        {
            oldPrimary.DoWork();
            backup.DoWork();
        }

        Assert.Equal(2, oldPrimary.LastSequence); // processed, replicated to a replica that ignores it...
        Assert.Equal(1, replies.Offered); // ...and held: that replica does not acknowledge it
        toPrimary.Held = false;
        Pump(() => oldPrimary.IsJoined && backup.IsMirrored, oldPrimary, backup);

        Assert.Equal(1, oldPrimary.StepDowns);
        Assert.Equal(ReplicaRole.Backup, oldPrimary.Role);
        Assert.Equal(1, replies.Offered); // request 2 was never answered by the old primary
        Assert.Equal(1, backup.LastSequence);
        Assert.Equal(1, oldPrimary.LastSequence); // its own input 2 was replaced by the new primary's state
        Assert.Equal(backup.ComputeStateDigest(), oldPrimary.ComputeStateDigest());

        // The client resends request 2 to the new primary, which processes it once.
        var newRequests = new InMemoryStream(ReplicaCluster.MaxMessage);
        var newReplies = new InMemoryStream(ReplicaCluster.MaxMessage);
        backup.AddClient(newRequests, newReplies);
        Send(newRequests, 2);
        Pump(() => newReplies.Offered == 1, oldPrimary, backup);
        Assert.Equal(2, backup.LastSequence);
        Pump(() => oldPrimary.LastSequence == 2, oldPrimary, backup);
        Assert.Equal(backup.ComputeStateDigest(), oldPrimary.ComputeStateDigest());
    }

    private static void Send(InMemoryStream requests, long clientSequence)
    {
        byte[] request = new byte[1 + 16 + OrderRequests.MaxLength];
        var writer = new WireWriter(request);
        writer.Type(MessageType.Request);
        writer.Int64(5);
        writer.Int64(clientSequence);
        writer.Advance(OrderRequests.Cancel(writer.Remaining, 1000 + clientSequence)); // no external call
        Assert.True(requests.Offer(writer.Written) > 0);
    }

    private static ReplicaOptions Options(ReplicaRole role) => new()
    {
        InitialRole = role,
        MaxMessageLength = ReplicaCluster.MaxMessage,
        MaxCallResponseLength = 64,
        PromotionTimeout = TimeSpan.FromMilliseconds(50),
        BackupTimeout = TimeSpan.FromMinutes(10),
    };

    private static void Pump(Func<bool> until, ReplicaNode a, ReplicaNode b)
    {
        for (int pass = 0; pass < 100_000 && !until(); pass++)
        {
            a.DoWork();
            b.DoWork();
        }

        Assert.True(until());
    }
}
