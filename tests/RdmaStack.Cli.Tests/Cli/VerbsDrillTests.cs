using System.CommandLine;
using System.Diagnostics;
using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Drill;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Tests.Cli;

/// <summary>What of the verbs drill runs without RDMA: its options, schedule, hand-over of re-established
/// links (here with shared-memory links) and the joining of both processes' results.</summary>
public class VerbsDrillTests
{
    private static (DrillOptionSet Set, ParseResult Result) Parse(string line)
    {
        var set = new DrillOptionSet();
        var command = new Command("drill");
        set.AddTo(command);
        return (set, command.Parse(line));
    }

    [Fact]
    public void Verbs_provider_has_lab_defaults_and_tcg_timing()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider verbs --seed 9");
        Assert.Empty(result.Errors);
        VerbsDrillOptions o = set.BindVerbs(result);
        Assert.Equal(VerbsDrillOptions.DefaultFailures, o.Drill.Failures);
        Assert.Equal(VerbsDrillOptions.DefaultCount, o.Drill.Count);
        Assert.Equal(2, o.Drill.Links);
        Assert.Equal([FaultKind.Kill], o.Drill.Kinds);
        Assert.Equal(VerbsDrillOptions.TcgFailover, o.Drill.Failover);
        Assert.Equal(["rxe0", "rxe2"], o.SenderDevices);
        Assert.Equal(["rxe1", "rxe3"], o.ReceiverDevices);
        Assert.Equal(["vethA", "vethC"], o.Interfaces);
        Assert.Equal(12, o.Connection.AckTimeoutExponent);
        Assert.Equal(3, o.Connection.RetryCount);
        Assert.Equal(16_777.216, o.AckTimeoutMicroseconds, 3); // 4.096 us x 2^12
    }

    [Fact]
    public void Shared_memory_defaults_are_unchanged()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--seed 1");
        Assert.Empty(result.Errors);
        DrillOptions o = set.Bind(result);
        Assert.False(set.IsVerbs(result));
        Assert.Equal(1000, o.Failures);
        Assert.Equal(2_000_000, o.Count);
        Assert.Equal(new DrillOptions(1, 1, 1, 2, 4, 64, 64, [FaultKind.Kill], null, TimeSpan.FromSeconds(1)).Failover, o.Failover);
    }

    [Theory]
    [InlineData("--provider verbs --retry-count 7")]
    [InlineData("--provider verbs --ack-timeout 0")]
    [InlineData("--provider verbs --device rxe0")]
    [InlineData("--provider verbs --interfaces vethA,")]
    [InlineData("--provider verbs --delay 900,300")]
    [InlineData("--provider rdma")]
    public void Rejects_bad_verbs_options(string line) => Assert.NotEmpty(Parse(line).Result.Errors);

    [Fact]
    public void Peer_arguments_round_trip()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider verbs --seed 42 --failures 3 --count 6400 --device a,b --peer-device c,d --interfaces e,f --ack-timeout 10 --retry-count 2 --delay 5,50");
        VerbsDrillOptions o = set.BindVerbs(result);
        (DrillOptionSet peerSet, ParseResult peer) = Parse(string.Join(' ', o.ToPeerArguments()));
        Assert.Empty(peer.Errors);
        VerbsDrillOptions back = peerSet.BindVerbs(peer);
        Assert.Equal((3, 42, 6400L, 4, 64, 64), (back.Drill.Failures, back.Drill.Seed, back.Drill.Count, back.Drill.Segments, back.Drill.Slots, back.Drill.Size));
        Assert.Equal(o.Drill.StallTimeout, back.Drill.StallTimeout);
        Assert.Equal(VerbsDrillOptions.TcgFailover, back.Drill.Failover); // the peers time failures as the parent says
        Assert.True(peerSet.IsVerbs(peer));
        Assert.Equal(o.SenderDevices, back.SenderDevices);
        Assert.Equal(o.ReceiverDevices, back.ReceiverDevices);
        Assert.Equal(o.Interfaces, back.Interfaces);
        Assert.Equal((10, 2), (back.AckTimeoutExponent, back.RetryCount));
        Assert.Equal((TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(50)), (back.MinDelay, back.MaxDelay));
    }

    [Fact]
    public void Schedule_is_seeded_and_within_bounds()
    {
        LinkDownSchedule a = LinkDownSchedule.Create(7, 50, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900));
        LinkDownSchedule b = LinkDownSchedule.Create(7, 50, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900));
        LinkDownSchedule c = LinkDownSchedule.Create(8, 50, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900));
        Assert.Equal(50, a.Delays.Count);
        Assert.Equal(a.Delays, b.Delays);
        Assert.NotEqual(a.Delays, c.Delays);
        Assert.All(a.Delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900)));
        Assert.True(a.Delays.Distinct().Count() > 40, "the waits are spread, not one value");
        Assert.Throws<ArgumentOutOfRangeException>(() => LinkDownSchedule.Create(1, 1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Handover_gives_each_end_once_and_tracks_generations()
    {
        var handover = new LinkHandover<LocalQueuePair>(2);
        using LocalQueuePair first = SharedMemoryProvider.CreateLocalPair(new SegmentedQueueGeometry(2, 4, 8));
        using LocalQueuePair second = SharedMemoryProvider.CreateLocalPair(new SegmentedQueueGeometry(2, 4, 8));
        Assert.False(handover.TryTake(1, out _, out _));
        handover.Post(1, first, 2);
        Assert.Throws<InvalidOperationException>(() => handover.Post(1, second, 3)); // the first is not taken yet
        Assert.Equal(0, handover.Taken(1));
        Assert.False(handover.WaitTaken(1, 2, TimeSpan.FromMilliseconds(20), () => false));
        Assert.True(handover.TryTake(1, out LocalQueuePair taken, out int generation));
        Assert.Same(first, taken);
        Assert.Equal(2, generation);
        Assert.Equal(0, handover.Taken(1)); // taken, not yet in place: the builder must not free the old end
        handover.Installed(1, generation);
        Assert.Equal(2, handover.Taken(1));
        Assert.True(handover.WaitTaken(1, 2, TimeSpan.Zero, () => false));
        Assert.False(handover.TryTake(1, out _, out _));
        Assert.False(handover.TryTake(0, out _, out _));
    }

    /// <summary>A shared-memory link in this process. Each end holds its own reference to the memory the other
    /// writes into, so ReplaceLink may dispose either end first while the other hot thread still uses its twin.</summary>
    private static (SegmentedQueueWriter Writer, SegmentedQueueReader Reader) Link(SegmentedQueueGeometry geometry)
    {
        LocalQueuePair pair = SharedMemoryProvider.CreateLocalPair(geometry);
        return (pair.Writer, pair.Reader);
    }

    /// <summary>The drill's re-establishment path, with shared-memory links: the hot writer thread fails the
    /// active link (as an async port error would), a builder thread makes a new link (new memory) and hands
    /// its ends over; each hot thread calls ReplaceLink on its own thread. Nothing may be lost, repeated or
    /// reordered, and every failure must be followed by a re-establishment.</summary>
    [Fact]
    public void Re_established_links_handed_to_the_hot_threads_keep_the_stream_exact()
    {
        const long Count = 60_000;
        const int Failures = 20;
        var geometry = new SegmentedQueueGeometry(4, 16, 16);
        var options = new FailoverOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(1), HeartbeatTimeout = TimeSpan.FromSeconds(5), LostWriteTimeout = TimeSpan.FromSeconds(5) };
        var first = new[] { Link(geometry), Link(geometry) };
        var writers = new LinkHandover<SegmentedQueueWriter>(2);
        var readers = new LinkHandover<SegmentedQueueReader>(2);
        var states = new int[2];
        int replaced = 0;
        bool stop = false;
        string? error = null;
        var checker = new StreamChecker(16, Count);
        using var writer = new FailoverWriter([first[0].Writer, first[1].Writer], options);
        using var reader = new FailoverReader([first[0].Reader, first[1].Reader], options);

        var builder = new Thread(() =>
        {
            int generation = 1;
            while (!Volatile.Read(ref stop))
            {
                for (int i = 0; i < 2; i++)
                {
                    if (Volatile.Read(ref states[i]) == (int)LinkState.Failed)
                    {
                        (SegmentedQueueWriter Writer, SegmentedQueueReader Reader) pair = Link(geometry);
                        generation++;
                        readers.Post(i, pair.Reader, generation);
                        writers.Post(i, pair.Writer, generation);
                        if (!writers.WaitTaken(i, generation, TimeSpan.FromSeconds(30), () => Volatile.Read(ref stop))
                            || !readers.WaitTaken(i, generation, TimeSpan.FromSeconds(30), () => Volatile.Read(ref stop)))
                        {
                            return;
                        }

                        while (Volatile.Read(ref states[i]) == (int)LinkState.Failed && !Volatile.Read(ref stop))
                        {
                            Thread.Yield();
                        }

                        Interlocked.Increment(ref replaced);
                    }
                }

                Thread.Sleep(1);
            }
        });

        var readerThread = new Thread(() =>
        {
            long deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
            while (reader.Position < Count && Stopwatch.GetTimestamp() < deadline)
            {
                if (reader.Poll(ref checker, 256) == 0)
                {
                    reader.Maintain();
                    for (int i = 0; i < 2; i++)
                    {
                        if (readers.TryTake(i, out SegmentedQueueReader end, out int generation))
                        {
                            reader.ReplaceLink(i, end);
                            readers.Installed(i, generation);
                        }
                    }
                }
            }
        });

        builder.Start();
        readerThread.Start();
        byte[] message = new byte[16];
        int failed = 0;
        long sequence = 1;
        long spacing = Count / (Failures + 1);
        long writerDeadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        while ((sequence <= Count || writer.AcknowledgedPosition < Count) && Stopwatch.GetTimestamp() < writerDeadline)
        {
            bool healthy = writer.GetLinkState(0) != LinkState.Failed && writer.GetLinkState(1) != LinkState.Failed
                && writers.Taken(0) == readers.Taken(0) && writers.Taken(1) == readers.Taken(1);
            if (failed < Failures && sequence >= (failed + 1) * spacing && healthy)
            {
                writer.MarkFailed(writer.ActiveLink, "test: port error");
                failed++;
            }

            // Like the drill, the stream waits for the re-establishment rather than run out before the failures.
            long limit = failed < Failures ? Math.Min(Count, (failed + 1) * spacing) : Count;
            if (sequence <= limit)
            {
                DemoPayload.Fill(message, sequence);
                if (writer.Offer(message) > 0)
                {
                    sequence++;
                    continue;
                }
            }

            writer.Maintain();
            for (int i = 0; i < 2; i++)
            {
                if (writers.TryTake(i, out SegmentedQueueWriter end, out int generation))
                {
                    writer.ReplaceLink(i, end);
                    writers.Installed(i, generation);
                }

                Volatile.Write(ref states[i], (int)writer.GetLinkState(i));
            }
        }

        readerThread.Join();
        Volatile.Write(ref stop, true);
        builder.Join();
        writers.DisposeUntaken();
        readers.DisposeUntaken();
        Assert.Null(error);
        Assert.Equal(Failures, failed);
        Assert.Equal(Count, checker.Distinct);
        Assert.Equal(0, checker.Lost);
        Assert.Equal(0, checker.Duplicated);
        Assert.Equal(0, checker.OutOfOrder);
        Assert.Equal(0, checker.Corrupted);
        Assert.Equal(Failures, writer.Failovers);
        Assert.True(replaced >= Failures - 1, $"{replaced} links re-established for {Failures} failures");
        writer.Dispose();
        reader.Dispose();
    }

    [Fact]
    public void Combines_both_processes_results_matching_switches_by_epoch()
    {
        (DrillOptionSet set, ParseResult result) = Parse("--provider verbs --seed 3 --failures 2 --count 1000");
        VerbsDrillOptions o = set.BindVerbs(result);
        long f = Stopwatch.Frequency;
        var s = new VerbsDrillSenderResult
        {
            Injected = 2,
            InjectedAt = [10 * f, 20 * f],
            ConfirmedAt = [(10 * f) + (f / 10), -1],
            Links = [0, 1],
            DetectedAt = [(10 * f) + (f / 500), (20 * f) + (f / 5)],
            DetectedBy = ["error completion on the link", "async event on rxe2: port error"],
            FailoverEpochs = [2, 3],
            Failovers = 2,
            Reestablished = 2,
            ReestablishTicks = [f, 2 * f],
        };
        var r = new VerbsDrillReceiverResult { Delivered = 1000, SwitchAt = [(20 * f) + (f / 4), (10 * f) + (f / 100)], SwitchEpochs = [3, 2], Switches = 2 };
        (DrillReport report, IReadOnlyList<string> details) = VerbsDrill.Combine(o, s, r, null, 5);
        Assert.True(report.Passed, report.Error);
        Assert.Equal(2, report.Detection[FaultKind.Kill].Iterations);
        Assert.Equal(2, report.Switchover!.Iterations);
        Assert.InRange(report.Switchover.TMaxNs, 49e6, 51e6); // epoch 3: 0.25 s - 0.2 s
        Assert.InRange(report.Detection[FaultKind.Kill].TMaxNs, 199e6, 201e6);
        Assert.Contains(details, l => l.Contains("detected by error completion: 1", StringComparison.Ordinal));
        Assert.Contains(details, l => l.Contains("detected by async event (port error): 1", StringComparison.Ordinal));
        Assert.Contains(details, l => l.StartsWith("link-downs 2 (link 0: 1, link 1: 1)", StringComparison.Ordinal));

        (DrillReport failed, _) = VerbsDrill.Combine(o, s, r with { Delivered = 999, Lost = 1 }, null, 5);
        Assert.False(failed.Passed);
        (DrillReport missing, _) = VerbsDrill.Combine(o, null, null, "a drill-peer process did not finish", 5);
        Assert.False(missing.Passed);
        Assert.Equal(1000, missing.Lost);
    }

    [Fact]
    public void Keeps_the_routes_the_kernel_will_not_restore_after_a_link_down()
    {
        const string Output = """
            10.77.0.0/24 proto kernel scope link src 10.77.0.1
            10.77.0.2 table 100 src 10.77.0.1
            broadcast 10.77.0.255 table local proto kernel scope link src 10.77.0.1
            local 10.77.0.1 table local proto kernel scope host src 10.77.0.1

            """;
        Assert.Equal(["10.77.0.2 table 100 src 10.77.0.1"], InterfaceControl.ParseRoutes(Output));
        Assert.Empty(InterfaceControl.ParseRoutes(""));
    }
}
