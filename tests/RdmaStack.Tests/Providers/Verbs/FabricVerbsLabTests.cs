using System.Diagnostics;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Tests.Fabric;

namespace RdmaStack.Tests.Providers.Verbs;

/// <summary>
/// The entry point over real verbs in the Soft-RoCE lab, with real link-downs: a publication over rxe0 (link 0) and rxe2
/// (link 1), its subscription over rxe1 and rxe3, both in this process; the test takes an interface down with `ip link`,
/// and the library detects it, fails over, and re-establishes the link once the interface is back. Trait Lab=drill: it
/// takes interfaces down, so it runs in the drill suite, not beside the tests that count live verbs handles.
/// </summary>
[Trait("Lab", "drill")]
public sealed class FabricVerbsLabTests
{
    private static FabricOptions Options(string device0, string device1, TimeSpan heartbeat) => new()
    {
        Provider = ProviderKind.Verbs,
        Links = [new LinkOptions { Device = device0 }, new LinkOptions { Device = device1 }],
        Geometry = new SegmentedQueueGeometry(4, 64, 64),
        HeartbeatInterval = heartbeat,
        HeartbeatTimeout = heartbeat * 50,
        LostWriteTimeout = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        Verbs = new RdmaStack.Providers.Verbs.VerbsOptions { AckTimeoutExponent = 12, RetryCount = 3, ChecksumRetryLimit = 1 << 20 },
    };

    [Fact]
    public void The_library_re_establishes_a_link_taken_down_for_real_and_it_carries_the_stream_later()
    {
        VerbsLab.RequireDevices("rxe0", "rxe1", "rxe2", "rxe3");
        using var writing = RdmaStack.Fabric.Connect(Options("rxe0", "rxe2", TimeSpan.FromMilliseconds(2)));
        using var reading = RdmaStack.Fabric.Connect(Options("rxe1", "rxe3", TimeSpan.FromMilliseconds(2)));
        StreamPair s = StreamPair.Open(writing, reading, StreamPair.NewName());
        s.WaitAllLinksUp();
        s.Stream(2_000);
        int victim = s.Publication.ActiveLink;
        string iface = victim == 0 ? "vethA" : "vethC";

        using (LinkDown.Take(iface))
        {
            s.Stream(2_000); // fails over to the other link and goes on while this one is down
        }

        s.PumpUntil(
            () => s.Publication.GetLinkState(victim) == LinkState.Standby && s.SubscriptionConnections.Any(c => c.Link == victim && c.Generation > 1),
            "the link re-established by the library as the standby");
        Assert.Equal(1 - victim, s.Publication.ActiveLink);

        using (LinkDown.Take(victim == 0 ? "vethC" : "vethA"))
        {
            s.Stream(2_000); // now the re-established link carries the stream
        }

        Assert.Equal(victim, s.Publication.ActiveLink);
        s.AssertExactlyOnceInOrder();
        Assert.True(s.Publication.Failovers >= 2, s.State());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_port_error_reported_by_the_device_fails_the_stream_over(bool writersSide)
    {
        VerbsLab.RequireDevices("rxe0", "rxe1", "rxe2", "rxe3");

        // Slow heartbeats and an idle stream: nothing is in flight when the interface goes down, so what finds the
        // failure first is the device's asynchronous event (IBV_EVENT_PORT_ERR), not an error completion. Every 3 s:
        // with a heartbeat every 500 ms, a starved guest (TCG) once drained the event only after a heartbeat's write
        // had failed (error completion ~70 ms after the post), and the link was already failed by then.
        using var writing = RdmaStack.Fabric.Connect(Options("rxe0", "rxe2", TimeSpan.FromSeconds(3)));
        using var reading = RdmaStack.Fabric.Connect(Options("rxe1", "rxe3", TimeSpan.FromSeconds(3)));
        StreamPair s = StreamPair.Open(writing, reading, StreamPair.NewName());
        s.WaitAllLinksUp();
        s.Stream(500);
        int victim = s.Publication.ActiveLink;
        string iface = (victim, writersSide) switch { (0, true) => "vethA", (0, false) => "vethB", (_, true) => "vethC", _ => "vethD" };
        using (LinkDown.Take(iface))
        {
            s.PumpUntil(() => s.Failovers.Any(f => f.From == victim), $"a failover off link {victim} ({iface} down)");
            s.Stream(500);
        }

        FailoverEvent failover = s.Failovers.First(f => f.From == victim);
        List<LinkFailure> side = writersSide ? s.PublicationFailures : s.SubscriptionFailures;
        Assert.Contains(side, f => f.Link == victim && f.Cause == LinkFailureCause.AsyncEvent);
        Assert.True(
            failover.Cause is LinkFailureCause.AsyncEvent,
            $"the failover was caused by {failover.Cause} ({failover.Reason}); publication saw {string.Join("; ", s.PublicationFailures)}, subscription {string.Join("; ", s.SubscriptionFailures)}");
        s.AssertExactlyOnceInOrder();
    }

    /// <summary>An interface taken down with `ip link` and brought back up on dispose, with the policy routes through
    /// it (the lab's routing, see hw-lab/softroce/guest/network.sh) saved before and restored after.</summary>
    private sealed class LinkDown : IDisposable
    {
        private readonly string _iface;
        private readonly string _routes;

        private LinkDown(string iface, string routes)
        {
            _iface = iface;
            _routes = routes;
        }

        public static LinkDown Take(string iface)
        {
            string routes = Path.Combine(Path.GetTempPath(), $"rdmastack-routes-{iface}-{Environment.ProcessId}");
            Shell($"ip route save table all dev {iface} > {routes}");
            Shell($"ip link set {iface} down");
            return new LinkDown(iface, routes);
        }

        public void Dispose()
        {
            Shell($"ip link set {_iface} up");
            Shell($"ip route restore < {_routes} 2>/dev/null || true");
            File.Delete(_routes);
        }

        private static void Shell(string command)
        {
            using Process p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { UseShellExecute = false })!;
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"`{command}` exited {p.ExitCode}");
        }
    }
}
