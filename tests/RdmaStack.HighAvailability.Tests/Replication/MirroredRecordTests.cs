using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>A reply is released only once the backup holds the input's record.</summary>
public class MirroredRecordTests
{
    [Fact]
    public void A_reply_waits_until_the_backup_acknowledges_the_record()
    {
        using var pair = new SteppedPair(promotionTimeout: TimeSpan.FromMinutes(1));
        pair.ToBackup.Held = true; // the backup sees nothing more for now
        SteppedPair.SendCancel(pair.Requests, clientSequence: 1);
        for (int pass = 0; pass < 100; pass++)
        {
            pair.Primary.DoWork();
            pair.Backup.DoWork();
        }

        Assert.Equal(1, pair.Primary.LastSequence); // processed...
        Assert.Equal(0, pair.Backup.LastSequence);
        Assert.Equal(0, pair.Replies.RepliesOffered); // ...but not answered: the backup does not hold the record

        pair.ToBackup.Held = false;
        pair.Pump(() => pair.Replies.RepliesOffered == 1);
        Assert.Equal(1, pair.Backup.LastSequence);
        var seen = new Dictionary<long, (ReplyStatus Status, long Record, byte[] Output)>();
        var collector = new ReplyCollector(seen);
        pair.Replies.Poll(ref collector, 10);
        Assert.Equal(ReplyStatus.Processed, seen[1].Status);
        Assert.Equal(RejectReason.UnknownOrder, OrderReply.Read(seen[1].Output).Reason);
    }
}
