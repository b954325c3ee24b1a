using RdmaStack.HighAvailability.Replication;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

public class ReplicaOptionsTests
{
    [Fact]
    public void Settings_that_cannot_work_are_refused_when_the_replica_is_created()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new ReplicaOptions { MaxCallResponseLength = 2000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new ReplicaOptions { BackupTimeout = TimeSpan.FromMilliseconds(10) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new ReplicaOptions { PromotionTimeout = TimeSpan.FromMilliseconds(1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new ReplicaOptions { SessionWindow = 0 }));
        using ReplicaNode node = Create(new ReplicaOptions());
        Assert.Equal(ReplicaRole.Primary, node.Role);
        Assert.Equal(1024 - 33, new ReplicaOptions().MaxRequestLength);
        Assert.Equal(1024 - 18, new ReplicaOptions().MaxOutputLength);
    }

    private static ReplicaNode Create(ReplicaOptions options) => new(options, new OrderMatchingEngine(), [new ReferencePriceService()]);
}
