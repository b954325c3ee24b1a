using RdmaStack.HighAvailability.Replication;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// The primary gives its backup up (it heard nothing from it for the backup bound) while the backup waits for an
/// external call's result that will now never come: the backup must drop that input and join again, not wait on
/// while the primary's heartbeats keep it from promoting, and not promote beside a live primary.
/// </summary>
public class BackupLossTests
{
    [Fact]
    public void A_backup_dropped_in_the_middle_of_an_input_abandons_it_and_joins_again()
    {
        TimeSpan bound = TimeSpan.FromMilliseconds(50);
        using var pair = new SteppedPair(promotionTimeout: bound, backupTimeout: bound);
        pair.ToPrimary.Held = true; // the backup's acknowledgements never reach the primary

        byte[] order = new byte[OrderRequests.MaxLength];
        SteppedPair.Send(pair.Requests, clientId: 4, clientSequence: 1, order.AsSpan(0, OrderRequests.New(order, Side.Buy, 10_000, 3)));
        pair.Primary.DoWork(); // replicates the input and the call's intent, waits for the acknowledgement, gives the backup up
        Assert.False(pair.Primary.IsMirrored);
        Assert.Equal(1, pair.Primary.BackupLosses);
        Thread.Sleep(5);
        pair.Primary.DoWork(); // a heartbeat naming no generation of the backup's
        Assert.Equal(1, pair.Replies.RepliesOffered); // answered alone, without a mirror

        pair.Backup.DoWork(); // applies the input, acknowledges the intent, waits for the result... and hears the heartbeat
        Assert.Equal(ReplicaRole.Backup, pair.Backup.Role);
        Assert.False(pair.Backup.IsJoined);
        Assert.Equal(0, pair.Backup.LastSequence); // the input was dropped, not recorded

        pair.ToPrimary.Held = false;
        pair.Pump(() => pair.Primary.IsMirrored && pair.Backup.IsJoined);
        Assert.Equal(1, pair.Backup.LastSequence);
        Assert.Equal(pair.Primary.ComputeStateDigest(), pair.Backup.ComputeStateDigest());
        Assert.Equal(0, pair.Backup.Promotions);
        Assert.Null(pair.Backup.Divergence);
    }
}
