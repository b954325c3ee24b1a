using System.Diagnostics;
using RdmaStack.HighAvailability.Quorum;
using RdmaStack.HighAvailability.Tests.Transport;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Quorum;

/// <summary>A processor alone, before any replicator talks to it: processes started together on a slow host may see
/// their replicator come up long after them.</summary>
public sealed class QuorumProcessorTests
{
    [Fact]
    public void A_processor_waits_the_start_timeout_not_the_replicator_timeout_for_its_replicators_first_message()
    {
        QuorumOptions options = QuorumCluster.DefaultOptions with { ReplicatorTimeout = TimeSpan.FromMilliseconds(100), StartTimeout = TimeSpan.FromSeconds(120) };
        using QuorumProcessor processor = Alone(options);

        Drive(processor, TimeSpan.FromSeconds(1));

        Assert.False(processor.IsStopped, processor.StopReason);
    }

    [Fact]
    public void A_processor_that_never_hears_from_its_replicator_stops_after_the_start_timeout_and_says_why()
    {
        QuorumOptions options = QuorumCluster.DefaultOptions with { ReplicatorTimeout = TimeSpan.FromSeconds(120), StartTimeout = TimeSpan.FromMilliseconds(200) };
        using QuorumProcessor processor = Alone(options);

        Drive(processor, TimeSpan.FromSeconds(60));

        Assert.True(processor.IsStopped, "the processor kept waiting past its start timeout");
        Assert.Contains("no word from the replicator", processor.StopReason, StringComparison.Ordinal);
    }

    private static QuorumProcessor Alone(QuorumOptions options) =>
        new(0, 1, new OrderMatchingEngine(), new StreamPair(new InMemoryStream(QuorumCluster.MaxMessage, 256), new InMemoryStream(QuorumCluster.MaxMessage, 256)), options);

    /// <summary>Calls DoWork until the processor stops or <paramref name="limit"/> passes.</summary>
    private static void Drive(QuorumProcessor processor, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!processor.IsStopped && watch.Elapsed < limit)
        {
            processor.DoWork();
            Thread.Sleep(1);
        }
    }
}
