using RdmaStack.Queues;

namespace RdmaStack.Tests.Failover;

public class FailoverAllocationTests
{
    [Fact]
    public void Offer_poll_and_maintain_allocate_nothing()
    {
        using var g = new FailoverGroup(geometry: new SegmentedQueueGeometry(4, 64, 8));
        byte[] message = new byte[8];
        var sink = new Sink();
        Run(g, message, ref sink, 10_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(g, message, ref sink, 100_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(110_000, sink.Count);
    }

    private static void Run(FailoverGroup g, byte[] message, ref Sink sink, int count)
    {
        for (int i = 0; i < count; i++)
        {
            while (g.Writer.Offer(message) < 0)
            {
                g.Reader.Poll(ref sink);
            }

            if ((i & 15) == 0)
            {
                g.Reader.Poll(ref sink);
                g.Reader.Maintain();
                g.Writer.Maintain();
            }
        }

        g.Reader.Poll(ref sink);
    }

    private struct Sink : IMessageHandler
    {
        public long Count;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => Count++;
    }
}
