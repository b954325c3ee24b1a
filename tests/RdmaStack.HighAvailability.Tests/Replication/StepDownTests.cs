using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Tests.Transport;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// A primary that was only slow, not dead: the backup promoted itself meanwhile. The old primary must not
/// answer anything it processed after that, and comes back as the backup.
/// </summary>
public class StepDownTests
{
    [Fact]
    public void A_primary_that_was_only_slow_steps_down_and_rejoins_as_the_backup()
    {
        using var pair = new SteppedPair(promotionTimeout: TimeSpan.FromMilliseconds(50));
        ReplicaNode oldPrimary = pair.Primary;
        ReplicaNode backup = pair.Backup;
        SteppedPair.SendCancel(pair.Requests, 1);
        pair.Pump(() => pair.Replies.RepliesOffered == 1);

        // The primary stalls (not driven) longer than the promotion bound; the backup takes over.
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (backup.Role != ReplicaRole.Primary && DateTime.UtcNow < deadline)
        {
            backup.DoWork();
            Thread.Sleep(1);
        }

        Assert.Equal(ReplicaRole.Primary, backup.Role);
        pair.ToPrimary.Held = true; // the news of the promotion is still on its way
        SteppedPair.SendCancel(pair.Requests, 2); // reaches the old primary, which does not know yet
        for (int pass = 0; pass < 100; pass++)
        {
            oldPrimary.DoWork();
            backup.DoWork();
        }

        Assert.Equal(2, oldPrimary.LastSequence); // processed, replicated to a replica that ignores it...
        Assert.Equal(1, pair.Replies.RepliesOffered); // ...and held: that replica does not acknowledge it
        pair.ToPrimary.Held = false;
        pair.Pump(() => oldPrimary.IsJoined && backup.IsMirrored);

        Assert.Equal(1, oldPrimary.StepDowns);
        Assert.Equal(ReplicaRole.Backup, oldPrimary.Role);
        Assert.Equal(1, pair.Replies.RepliesOffered); // request 2 was never answered by the old primary
        Assert.Equal(1, backup.LastSequence);
        Assert.Equal(1, oldPrimary.LastSequence); // its own input 2 was replaced by the new primary's state
        Assert.Equal(backup.ComputeStateDigest(), oldPrimary.ComputeStateDigest());

        // The client resends request 2 to the new primary, which processes it once.
        var requests = new InMemoryStream(ReplicaCluster.MaxMessage);
        var replies = new InMemoryStream(ReplicaCluster.MaxMessage);
        backup.AddClient(requests, replies);
        SteppedPair.SendCancel(requests, 2);
        pair.Pump(() => replies.RepliesOffered == 1 && oldPrimary.LastSequence == 2);
        Assert.Equal(2, backup.LastSequence);
        Assert.Equal(backup.ComputeStateDigest(), oldPrimary.ComputeStateDigest());
    }
}
