using System.Diagnostics;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Transport.Handshake;
using RdmaStack.Providers.Verbs;

namespace RdmaStack.Tests.Providers.Verbs;

/// <summary>A failover group over both lab NIC pairs (rxe0->rxe1, rxe2->rxe3) with a link replaced by a new
/// connection, as the verbs drill does after a link-down. Trait Lab=drill, not Lab=true: it opens devices
/// and queue pairs of its own, so it runs in the drill suite (hw-lab/softroce/guest/suite-drill.sh), not beside
/// VerbsProviderTests, whose live-handle counts must be that class's alone. Elsewhere it skips, naming the
/// missing devices.</summary>
[Trait("Lab", "drill")]
public sealed class VerbsFailoverLabTests
{
    private static readonly SegmentedQueueGeometry Geometry = new(4, 16, 64);

    [Fact]
    public void A_re_established_link_replaces_the_failed_one_and_carries_the_stream_later()
    {
        VerbsLab.RequireDevices("rxe0", "rxe1", "rxe2", "rxe3");
        const long Count = 3000;
        var options = new FailoverOptions { HeartbeatTimeout = TimeSpan.FromSeconds(5), LostWriteTimeout = TimeSpan.FromSeconds(5) };
        var connection = new VerbsOptions { AckTimeoutExponent = 12, RetryCount = 3, ChecksumRetryLimit = 1 << 20 };
        using VerbsDeviceContext d0 = VerbsDeviceContext.Open("rxe0");
        using VerbsDeviceContext d1 = VerbsDeviceContext.Open("rxe1");
        using VerbsDeviceContext d2 = VerbsDeviceContext.Open("rxe2");
        using VerbsDeviceContext d3 = VerbsDeviceContext.Open("rxe3");
        (VerbsQueueSet s0, VerbsQueueSet r0) = VerbsLab.ConnectPair(d0, d1, Geometry, [QueueEndpointRole.Writer], connection);
        (VerbsQueueSet s1, VerbsQueueSet r1) = VerbsLab.ConnectPair(d2, d3, Geometry, [QueueEndpointRole.Writer], connection);
        var sets = new List<VerbsQueueSet> { s0, r0, s1, r1 };
        var checker = new StreamCheck();
        try
        {
            using var writer = new FailoverWriter([s0.Writers[0], s1.Writers[0]], options);
            using var reader = new FailoverReader([r0.Readers[0], r1.Readers[0]], options);
            var switches = new List<LinkSwitch>();
            var events = new List<string>();
            reader.SwitchedLink += (_, e) => switches.Add(e);
            writer.LinkFailed += (_, e) => events.Add($"writer: link {e.Link} failed at {reader.Position} ({e.Cause}: {e.Reason})");
            reader.LinkFailed += (_, e) => events.Add($"reader: link {e.Link} failed at {reader.Position} ({e.Cause}: {e.Reason})");
            writer.FailedOver += (_, e) => events.Add($"writer: failed over {e.From} -> {e.To} at {reader.Position}");
            byte[] message = new byte[64];
            long sequence = 1;

            void Stream(long upTo)
            {
                long deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
                while ((sequence <= upTo || reader.Position < upTo) && Stopwatch.GetTimestamp() < deadline)
                {
                    if (sequence <= upTo)
                    {
                        StreamCheck.Fill(message, sequence);
                        if (writer.Offer(message) > 0)
                        {
                            sequence++;
                        }
                    }

                    writer.Maintain();
                    reader.Poll(ref checker, 64);
                    reader.Maintain();
                }

                Assert.True(reader.Position == upTo, $"the stream stopped at {reader.Position} of {upTo}: {Describe(writer, reader, events)}");
            }

            Stream(1000);
            writer.MarkFailed(0, LinkFailureCause.AsyncEvent, "test: port error on rxe0"); // as the drill does on IBV_EVENT_PORT_ERR
            Stream(2000);
            Assert.Equal(1, writer.ActiveLink);

            // A new connection on the same NIC pair (new queue pairs, new memory) takes link 0's place.
            (VerbsQueueSet n0, VerbsQueueSet m0) = VerbsLab.ConnectPair(d0, d1, Geometry, [QueueEndpointRole.Writer], connection);
            sets.Add(n0);
            sets.Add(m0);
            _ = writer.ReplaceLink(0, n0.Writers[0]); // the old ends stay in their sets, disposed below
            _ = reader.ReplaceLink(0, m0.Readers[0]);
            Assert.Equal(LinkState.Standby, writer.GetLinkState(0));

            writer.MarkFailed(1, LinkFailureCause.AsyncEvent, "test: port error on rxe2");
            Stream(Count);
            Assert.Equal(0, writer.ActiveLink);
            Assert.Equal(2, writer.Failovers);
            Assert.Equal(2, switches.Count);
            Assert.Equal(0, switches[^1].To);
        }
        finally
        {
            foreach (VerbsQueueSet set in sets)
            {
                set.Dispose();
            }
        }

        Assert.Equal(Count, checker.Count);
        Assert.Equal(0, checker.Wrong);
    }

    /// <summary>Both ends' state, for a stream that stopped: where each link's writer and reader stand, what the writer
    /// knows of the reader's head and heartbeat, and what failed when.</summary>
    private static string Describe(FailoverWriter writer, FailoverReader reader, List<string> events)
    {
        var text = new System.Text.StringBuilder();
        text.Append($"writer {writer.Status}, active {writer.ActiveLink}, tail {writer.Position}, acknowledged {writer.AcknowledgedPosition}, resent {writer.MessagesResent}; ");
        text.Append($"reader active {reader.ActiveLink}, position {reader.Position}");
        for (int i = 0; i < writer.LinkCount; i++)
        {
            SegmentedQueueWriter w = writer.GetLink(i);
            SegmentedQueueReader r = reader.GetLink(i);
            text.Append($"; link {i}: writer {writer.GetLinkState(i)} tail {w.Position} epoch {w.Epoch} published head {w.PublishedHead} reader heartbeat {w.ReaderHeartbeat}, ");
            text.Append($"reader {(reader.IsLinkFailed(i) ? "failed" : "ok")} {r.Counters} writer tail {r.WriterTail} epoch {r.WriterEpoch} heartbeats sent {r.HeartbeatsSent}");
        }

        text.Append("; events: ").AppendJoin(" | ", events);
        return text.ToString();
    }
}
