using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;
using RdmaStack.Providers.Verbs;

namespace RdmaStack.Tests.Providers.Verbs;

/// <summary>The verbs provider on real rxe devices (the Soft-RoCE lab); skipped with the reason elsewhere.
/// One class, so its tests run one at a time and the live-handle counts are this class's alone.</summary>
[Trait("Lab", "true")]
public sealed class VerbsProviderTests
{
    private static readonly SegmentedQueueGeometry Small = new(4, 16, 64);

    [Fact]
    public void Finds_the_RoCE_v2_GID_of_the_port()
    {
        VerbsLab.RequireDevices("rxe0");
        using VerbsDeviceContext device = VerbsDeviceContext.Open("rxe0");

        byte[] gid = device.Gid.ToArray();
        Assert.Equal(16, gid.Length);
        // rxe0 sits on vethA, 10.77.0.1: its RoCE v2 GID is ::ffff:10.77.0.1.
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 77, 0, 1 }, gid);
        Assert.True(device.GidIndex >= 0);
    }

    [Fact]
    public void Refuses_a_device_that_does_not_exist()
    {
        VerbsLab.RequireDevices("rxe0");
        var e = Assert.Throws<RdmaStack.Providers.Verbs.VerbsException>(() => VerbsDeviceContext.Open("rxe9"));
        Assert.Contains("no RDMA device named 'rxe9'", e.Message, StringComparison.Ordinal);
        Assert.Contains("rxe0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Streams_messages_in_order_through_rdma_writes()
    {
        VerbsLab.RequireDevices("rxe0", "rxe1");
        const int Count = 20_000;
        using VerbsDeviceContext a = VerbsDeviceContext.Open("rxe0");
        using VerbsDeviceContext b = VerbsDeviceContext.Open("rxe1");
        // Under TCG a slot write can take milliseconds to land while the reader spins (the vCPU doing rxe's copy
        // is preempted by the host): the default 4,096 polls then count a slot "corrupt" that arrives intact a
        // moment later (seen once in the lab). A million polls separates slow from corrupt there.
        var options = new VerbsOptions { ChecksumRetryLimit = 1 << 20 };
        (VerbsQueueSet sender, VerbsQueueSet receiver) = VerbsLab.ConnectPair(a, b, Small, [QueueEndpointRole.Writer], options);
        using VerbsQueueSet senderScope = sender;
        using VerbsQueueSet receiverScope = receiver;
        SegmentedQueueWriter writer = sender.Writers[0];
        SegmentedQueueReader reader = receiver.Readers[0];
        Assert.True(writer.Channel.IsConnected);
        Assert.InRange(writer.Channel.SendQueueDepth, 16, 1 << 16);

        long next = 1;
        string? mismatch = null;
        var consumer = new Thread(() =>
        {
            long deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
            while (next <= Count && Stopwatch.GetTimestamp() < deadline)
            {
                reader.Poll((payload, sequence) =>
                {
                    if (sequence != next || payload.Length != 64 || payload[0] != (byte)sequence || payload[63] != (byte)(sequence >> 8))
                    {
                        mismatch ??= $"message {next}: got sequence {sequence}, {payload.Length} B";
                    }

                    next++;
                });
            }
        });
        consumer.Start();

        var message = new byte[64];
        long producerDeadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        for (long sequence = 1; sequence <= Count;)
        {
            message[0] = (byte)sequence;
            message[63] = (byte)(sequence >> 8);
            long status = writer.Offer(message);
            if (status > 0)
            {
                Assert.Equal(sequence, status);
                sequence++;
            }
            else
            {
                Assert.Equal(QueueStatus.BackPressured, status);
                Assert.True(Stopwatch.GetTimestamp() < producerDeadline, $"back-pressured for 60 s at {sequence}");
                writer.PollCompletions();
            }
        }

        consumer.Join();
        Assert.Null(mismatch);
        Assert.Equal(Count + 1, next);
        Assert.Equal(0, reader.Counters.CorruptSlots);
        Assert.Equal(0, reader.Counters.SequenceErrors);
        Assert.True(reader.Counters.HeadPublications >= (Count / Small.SlotsPerSegment) - 1);
        Assert.True(writer.PollCompletions() >= 0);
    }

    [Fact]
    public void Writes_and_polls_completions_without_allocating()
    {
        VerbsLab.RequireDevices("rxe0", "rxe1");
        using VerbsDeviceContext a = VerbsDeviceContext.Open("rxe0");
        using VerbsDeviceContext b = VerbsDeviceContext.Open("rxe1");
        (VerbsQueueSet sender, VerbsQueueSet receiver) = VerbsLab.ConnectPair(a, b, Small, [QueueEndpointRole.Writer]);
        using VerbsQueueSet senderScope = sender;
        using VerbsQueueSet receiverScope = receiver;
        IRemoteWriteChannel channel = sender.Writers[0].Channel;
        const int Interval = 16;

        // Writes of one slot, inline, every 16th signaled; the JIT warms up on the first rounds.
        long Round(int writes)
        {
            long completed = 0;
            for (int i = 1; i <= writes; i++)
            {
                while (channel.PostWrite(0, 0, 80, signaled: i % Interval == 0) != WriteStatus.Posted)
                {
                    Assert.True(channel.PollCompletions() >= 0);
                }

                if (i % Interval == 0)
                {
                    int done;
                    while ((done = channel.PollCompletions()) == 0)
                    {
                    }

                    Assert.True(done > 0);
                    completed += done;
                }
            }

            return completed;
        }

        Assert.Equal(200 / Interval, Round(200));
        long before = GC.GetAllocatedBytesForCurrentThread();
        long completed = Round(4000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(4000 / Interval, completed);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Frees_every_verbs_object_on_teardown()
    {
        VerbsLab.RequireDevices("rxe0", "rxe1");
        long before = VerbsLab.LiveHandles();
        using (VerbsDeviceContext a = VerbsDeviceContext.Open("rxe0"))
        using (VerbsDeviceContext b = VerbsDeviceContext.Open("rxe1"))
        {
            (VerbsQueueSet x, VerbsQueueSet y) = VerbsLab.ConnectPair(a, b, Small, [QueueEndpointRole.Writer, QueueEndpointRole.Reader]);
            // Two devices: 2 contexts, 2 PDs; two queues: 4 QPs, 4 CQs, 8 MRs (ring, head source, control, mirror each).
            Assert.Equal(2, VerbsHandle.Live(VerbsHandleKind.Context));
            Assert.Equal(2, VerbsHandle.Live(VerbsHandleKind.ProtectionDomain));
            Assert.Equal(4, VerbsHandle.Live(VerbsHandleKind.QueuePair));
            Assert.Equal(4, VerbsHandle.Live(VerbsHandleKind.CompletionQueue));
            Assert.Equal(8, VerbsHandle.Live(VerbsHandleKind.MemoryRegion));

            // The contexts are disposed before the queues: the children's references keep the devices open.
            a.Dispose();
            b.Dispose();
            Assert.Equal(2, VerbsHandle.Live(VerbsHandleKind.Context));
            Assert.Equal(1, x.Writers[0].Offer(new byte[8]));
            x.Dispose();
            y.Dispose();
        }

        foreach (VerbsHandleKind kind in Enum.GetValues<VerbsHandleKind>())
        {
            Assert.Equal(0, VerbsHandle.Live(kind));
        }

        Assert.Equal(0, before);
    }

    [Fact]
    public async Task Registers_nothing_for_a_peer_with_the_wrong_secret()
    {
        VerbsLab.RequireDevices("rxe1");
        using VerbsDeviceContext b = VerbsDeviceContext.Open("rxe1");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            Task<Exception?> server = Task.Run(() =>
            {
                try
                {
                    using ConnectionHandshake h = ConnectionHandshake.Accept(listener, RandomNumberGenerator.GetBytes(32), VerbsLab.Timeout);
                    VerbsProvider.Connect(b, h, Small, [QueueEndpointRole.Reader]).Dispose();
                    return null;
                }
                catch (TransportException e)
                {
                    return (Exception)e;
                }
            }, TestContext.Current.CancellationToken);
            using (ConnectionHandshake stranger = ConnectionHandshake.Connect((IPEndPoint)listener.LocalEndpoint, RandomNumberGenerator.GetBytes(32), VerbsLab.Timeout))
            {
                Assert.Throws<TransportException>(stranger.Authenticate);
            }

            Exception? refused = await server;
            Assert.NotNull(refused);
            Assert.Contains("wrong secret", refused.Message, StringComparison.Ordinal);
            Assert.Equal(0, VerbsHandle.Live(VerbsHandleKind.MemoryRegion));
            Assert.Equal(0, VerbsHandle.Live(VerbsHandleKind.QueuePair));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void Reports_a_dead_peer_as_a_failed_link_without_throwing()
    {
        VerbsLab.RequireDevices("rxe0", "rxe1");
        using VerbsDeviceContext a = VerbsDeviceContext.Open("rxe0");
        using VerbsDeviceContext b = VerbsDeviceContext.Open("rxe1");
        (VerbsQueueSet sender, VerbsQueueSet receiver) = VerbsLab.ConnectPair(a, b, Small, [QueueEndpointRole.Writer]);
        using VerbsQueueSet senderScope = sender;
        IRemoteWriteChannel channel = sender.Writers[0].Channel;
        Assert.Equal(WriteStatus.Posted, channel.PostWrite(0, 0, 64, signaled: true));
        Assert.True(WaitFor(() => channel.PollCompletions() == 1, TimeSpan.FromSeconds(10)), "the first write did not complete");

        // The peer's queue pair is destroyed: the next write is never acknowledged, the retries run out.
        receiver.Dispose();
        var watch = Stopwatch.StartNew();
        Assert.Equal(WriteStatus.Posted, channel.PostWrite(0, 0, 64, signaled: true));
        Assert.True(WaitFor(() => channel.PollCompletions() == -1, TimeSpan.FromSeconds(20)), "no error completion within 20 s");
        watch.Stop();

        Assert.False(channel.IsConnected);
        Assert.Equal(WriteStatus.LinkFailed, channel.PostWrite(0, 0, 64, signaled: true));
        Assert.Equal(-1, channel.PollCompletions());
        string? failure = ((VerbsChannel)channel).Failure;
        Assert.NotNull(failure);
        Assert.Contains("work completion 12", failure, StringComparison.Ordinal); // IBV_WC_RETRY_EXC_ERR
        Assert.True(sender.Writers[0].Offer(new byte[8]) < 0);
        TestContext.Current.SendDiagnosticMessage($"error completion {watch.Elapsed.TotalMilliseconds:0} ms after the write: {failure}");
    }

    [Fact]
    public void Reports_port_errors_from_the_async_event_reader()
    {
        VerbsLab.RequireDevices("rxe3");
        Assert.SkipUnless(Environment.GetEnvironmentVariable("RDMASTACK_LAB") == "1", "takes vethD down and up again: only inside the lab guest");
        using VerbsDeviceContext d = VerbsDeviceContext.Open("rxe3");
        var seen = new List<VerbsAsyncEvent>();
        d.AsyncEventReceived += (_, e) => { lock (seen) { seen.Add(e); } };
        try
        {
            Run("ip", "link set vethD down");
            Assert.True(WaitFor(() => d.LastAsyncEvent?.Code == VerbsAsyncEvent.PortError, TimeSpan.FromSeconds(10)), "no IBV_EVENT_PORT_ERR within 10 s");
        }
        finally
        {
            Run("ip", "link set vethD up");
        }

        Assert.True(WaitFor(() => d.LastAsyncEvent?.Code == VerbsAsyncEvent.PortActive, TimeSpan.FromSeconds(10)), "no IBV_EVENT_PORT_ACTIVE within 10 s");
        Assert.True(d.AsyncEventCount >= 2);
        lock (seen)
        {
            Assert.Contains(seen, e => e.Code == VerbsAsyncEvent.PortError && e.PortNumber == 1);
        }
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(1);
        }

        return condition();
    }

    private static void Run(string file, string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
