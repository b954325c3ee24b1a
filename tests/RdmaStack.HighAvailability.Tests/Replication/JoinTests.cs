using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// A backup joining a primary on a starved host: its join requests are retried faster than the state transfers come
/// back.
/// </summary>
public class JoinTests
{
    [Fact]
    public void A_backup_that_asked_again_before_the_state_transfer_arrived_still_joins_with_it_and_replies_flow()
    {
        using var pair = new SteppedPair(promotionTimeout: TimeSpan.FromMinutes(10), joinRetryInterval: TimeSpan.FromMilliseconds(20), whole: false);
        pair.ToBackup.Held = true; // the primary's state transfer is slow to arrive
        pair.Backup.DoWork(); // asks to join
        pair.Primary.DoWork(); // answers with its state (held on the way)
        Assert.True(pair.Primary.IsMirrored);
        Thread.Sleep(50); // longer than the join retry: the backup asks again before it read the answer
        pair.Backup.DoWork();
        pair.ToBackup.Held = false;

        // The backup alone reads the state transfer that answers its first request: it joins with it.
        for (int pass = 0; pass < 100 && !pair.Backup.IsJoined; pass++)
        {
            pair.Backup.DoWork();
        }

        Assert.True(pair.Backup.IsJoined);

        // The primary answers the second request with another state transfer; the joined backup takes that one too
        // and acknowledges, so the primary releases replies.
        SteppedPair.SendCancel(pair.Requests, 1);
        pair.Pump(() => pair.Replies.RepliesOffered == 1);
        SteppedPair.SendCancel(pair.Requests, 2);
        pair.Pump(() => pair.Replies.RepliesOffered == 2 && pair.Backup.LastSequence == 2);
        Assert.True(pair.Backup.IsJoined);
        Assert.True(pair.Primary.IsMirrored);
        Assert.True(pair.Primary.SnapshotsSent >= 2);
        Assert.Equal(pair.Primary.ComputeStateDigest(), pair.Backup.ComputeStateDigest());
    }
}
