using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using RdmaStack.Failover;

namespace RdmaStack.Diagnostics;

/// <summary>
/// The library's instruments, on the <see cref="Meter"/> named "RdmaStack" (watch them with
/// <c>dotnet-counters monitor --counters RdmaStack -p PID</c> or a <see cref="MeterListener"/>). Counts that the hot
/// threads keep anyway (positions, failovers, resends) are observed, read when a listener asks; failures and timings
/// are recorded on the failure path; connection attempts and refused handshakes on the background threads. Nothing is
/// added to the path of a message.
/// </summary>
internal static class StackMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "RdmaStack";

    private static readonly object s_gate = new();
    private static IMeteredStream[] s_streams = [];

    /// <summary>The meter.</summary>
    public static Meter Meter { get; } = new(MeterName, typeof(StackMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Connection attempts by the dialling side (tag result: connected, failed).</summary>
    public static Counter<long> ConnectAttempts { get; } = Meter.CreateCounter<long>("rdmastack.connect.attempts", "{attempt}", "Connection attempts by the dialling side of a link");

    /// <summary>Connections refused by a listener (wrong secret, malformed or late handshake, unknown stream, too many
    /// in progress).</summary>
    public static Counter<long> HandshakeRefusals { get; } = Meter.CreateCounter<long>("rdmastack.handshake.refusals", "{connection}", "Connections a listener refused");

    /// <summary>From the link's last sign of life to the declaration of its failure.</summary>
    public static Histogram<double> DetectionTime { get; } = Meter.CreateHistogram<double>("rdmastack.failover.detection_time", "ms", "From a link's last sign of life to its failure being declared");

    /// <summary>From the declaration of a failure to the stream's resend being fully posted on the new link.</summary>
    public static Histogram<double> SwitchoverTime { get; } = Meter.CreateHistogram<double>("rdmastack.failover.switchover_time", "ms", "From a failure being declared to the resend being posted on the new link");

    static StackMetrics()
    {
        Meter.CreateObservableCounter("rdmastack.messages", () => Observe(static s => s.Messages), "{message}", "Messages offered (publications) and delivered (subscriptions)");
        Meter.CreateObservableCounter("rdmastack.backpressure", () => Observe(static s => s.BackPressure), "{offer}", "Offers refused with back-pressure");
        Meter.CreateObservableCounter("rdmastack.failovers", () => Observe(static s => s.Failovers), "{failover}", "Failovers (publications) and link switches (subscriptions)");
        Meter.CreateObservableCounter("rdmastack.resends", () => Observe(static s => s.Resends), "{message}", "Messages sent again by failovers");
        Meter.CreateObservableCounter("rdmastack.link.failures", ObserveFailures, "{failure}", "Link failures found, by cause");
        Meter.CreateObservableCounter("rdmastack.heartbeat.misses", () => Observe(static s => s.FailuresByCause[(int)LinkFailureCause.Heartbeat]), "{failure}", "Links failed because the peer's heartbeat stopped");
        Meter.CreateObservableGauge("rdmastack.link.state", ObserveLinkStates, "{state}", "Each link's state: 0 down, 1 standby, 2 active");
    }

    /// <summary>Starts observing <paramref name="stream"/>.</summary>
    public static void Register(IMeteredStream stream)
    {
        lock (s_gate)
        {
            s_streams = [.. s_streams, stream];
        }
    }

    /// <summary>Stops observing <paramref name="stream"/>.</summary>
    public static void Unregister(IMeteredStream stream)
    {
        lock (s_gate)
        {
            s_streams = [.. s_streams.Where(s => !ReferenceEquals(s, stream))];
        }
    }

    /// <summary>Records a failure's detection time (<paramref name="failure"/> carries both ends, in ticks).</summary>
    public static void RecordDetection(LinkFailure failure, string side, string stream)
    {
        if (DetectionTime.Enabled && failure.LastSeenAliveAt > 0 && failure.DetectedAt >= failure.LastSeenAliveAt)
        {
            DetectionTime.Record(
                (failure.DetectedAt - failure.LastSeenAliveAt) * 1000.0 / Stopwatch.Frequency,
                new("side", side), new("stream", stream), new("cause", CauseName(failure.Cause)));
        }
    }

    /// <summary>The tag value of a cause.</summary>
    public static string CauseName(LinkFailureCause cause) => cause switch
    {
        LinkFailureCause.ErrorCompletion => "error_completion",
        LinkFailureCause.FailedPost => "failed_post",
        LinkFailureCause.AsyncEvent => "async_event",
        LinkFailureCause.Heartbeat => "heartbeat",
        LinkFailureCause.LostWrite => "lost_write",
        LinkFailureCause.CorruptSlot => "corrupt_slot",
        LinkFailureCause.PeerClosed => "peer_closed",
        LinkFailureCause.Requested => "requested",
        _ => "unknown",
    };

    private static Measurement<long>[] Observe(Func<IMeteredStream, long> value)
    {
        IMeteredStream[] streams = Volatile.Read(ref s_streams);
        var result = new Measurement<long>[streams.Length];
        for (int i = 0; i < streams.Length; i++)
        {
            result[i] = new Measurement<long>(value(streams[i]), new("side", streams[i].Side), new("stream", streams[i].Stream));
        }

        return result;
    }

    private static List<Measurement<long>> ObserveFailures()
    {
        var result = new List<Measurement<long>>();
        foreach (IMeteredStream s in Volatile.Read(ref s_streams))
        {
            ReadOnlySpan<long> byCause = s.FailuresByCause;
            for (int cause = 0; cause < byCause.Length; cause++)
            {
                if (byCause[cause] > 0)
                {
                    result.Add(new Measurement<long>(byCause[cause], new("side", s.Side), new("stream", s.Stream), new("cause", CauseName((LinkFailureCause)cause))));
                }
            }
        }

        return result;
    }

    private static List<Measurement<int>> ObserveLinkStates()
    {
        var result = new List<Measurement<int>>();
        foreach (IMeteredStream s in Volatile.Read(ref s_streams))
        {
            for (int link = 0; link < s.LinkCount; link++)
            {
                result.Add(new Measurement<int>(s.LinkStateCode(link), new("side", s.Side), new("stream", s.Stream), new("link", link.ToString(CultureInfo.InvariantCulture))));
            }
        }

        return result;
    }
}
