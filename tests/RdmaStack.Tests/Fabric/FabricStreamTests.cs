using RdmaStack.Failover;
using RdmaStack.Queues;

namespace RdmaStack.Tests.Fabric;

/// <summary>Publications and subscriptions over the shared-memory provider, both in this process.</summary>
public sealed class FabricStreamTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Streams_every_message_once_in_order_over_two_links()
    {
        using var fabric = RdmaStack.Fabric.Connect(new FabricOptions { Links = [new LinkOptions(), new LinkOptions()], Geometry = new SegmentedQueueGeometry(4, 64, 64) });
        string name = StreamName();
        using Subscription sub = fabric.AddSubscription(name);
        using Publication pub = fabric.AddPublication(name);
        var checker = new Checker();
        Pump(pub, sub, ref checker, 20_000);
        Assert.Equal(20_000, checker.Count);
        Assert.Equal(0, checker.Wrong);
        Assert.True(pub.IsConnected);
        Assert.Equal(LinkState.Active, pub.GetLinkState(pub.ActiveLink));
    }

    internal static string StreamName() => "t" + Guid.NewGuid().ToString("N")[..12];

    internal static void Pump(Publication pub, Subscription sub, ref Checker checker, long count, Action<long>? between = null)
    {
        byte[] message = new byte[16];
        long sent = 0;
        long deadline = Environment.TickCount64 + (long)Timeout.TotalMilliseconds;
        while (checker.Count < count)
        {
            Assert.True(Environment.TickCount64 < deadline, $"stuck: sent {sent}, received {checker.Count}, publication {pub.Status} at {pub.Position}, acknowledged {pub.AcknowledgedPosition}, subscription at {sub.Position}");
            if (sent < count)
            {
                BitConverter.TryWriteBytes(message, sent + 1);
                long status = pub.Offer(message);
                if (status > 0)
                {
                    Assert.Equal(sent + 1, status);
                    sent++;
                    between?.Invoke(sent);
                }
                else
                {
                    pub.DoWork();
                }
            }

            if (sub.Poll(ref checker, 256) == 0)
            {
                sub.DoWork();
            }
        }
    }

    internal struct Checker : IMessageHandler
    {
        public long Count;
        public long Wrong;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            if (sequence != Count + 1 || BitConverter.ToInt64(payload) != sequence)
            {
                Wrong++;
            }

            Count++;
        }
    }
}
