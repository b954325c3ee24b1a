using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Testing;
using RdmaStack.Tests.Fabric;

namespace RdmaStack.Tests.Diagnostics;

/// <summary>The meter "RdmaStack" seen through a <see cref="MeterListener"/>: the instruments move during a stream and a
/// failover.</summary>
public sealed class StackMetricsTests
{
    [Fact]
    public void Instruments_move_during_a_stream_and_a_failover()
    {
        var longs = new ConcurrentDictionary<string, long>();
        var doubles = new ConcurrentDictionary<string, int>();
        string? stream = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "RdmaStack")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "stream") is { } s && s != stream)
            {
                return; // another test's stream
            }

            string key = instrument.Name + (Tag(tags, "side") is { } side ? "/" + side : string.Empty) + (Tag(tags, "cause") is { } cause ? "/" + cause : string.Empty);
            longs.AddOrUpdate(key, value, (_, old) => instrument.IsObservable ? value : old + value);
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "stream") == stream)
            {
                doubles.AddOrUpdate(instrument.Name, 1, (_, n) => n + 1);
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "stream") == stream && value == 2)
            {
                longs[instrument.Name + "/active/" + Tag(tags, "side")] = 1;
            }
        });
        listener.Start();

        var faults = new FaultInjector(2);
        using var fabric = RdmaStack.Fabric.Connect(faults.Attach(new FabricOptions
        {
            Links = [new LinkOptions(), new LinkOptions()],
            Geometry = new SegmentedQueueGeometry(4, 32, 32),
            HeartbeatTimeout = TimeSpan.FromSeconds(5),
        }));
        StreamPair s = StreamPair.Open(fabric);
        stream = s.Publication.Stream;
        s.WaitAllLinksUp();
        s.Stream(2_000);
        int victim = s.Publication.ActiveLink;
        faults.Kill(victim);
        s.Stream(2_000);

        // The library re-dials the killed link on its own thread: wait for it, so its attempt has been counted.
        s.PumpUntil(() => s.Publication.GetLinkState(victim) == LinkState.Standby, "the killed link back as the standby");
        listener.RecordObservableInstruments();

        Assert.Equal(4_000, longs.GetValueOrDefault("rdmastack.messages/publication"));
        Assert.Equal(4_000, longs.GetValueOrDefault("rdmastack.messages/subscription"));
        Assert.Equal(1, longs.GetValueOrDefault("rdmastack.failovers/publication"));
        Assert.Equal(1, longs.GetValueOrDefault("rdmastack.failovers/subscription"));
        Assert.True(longs.GetValueOrDefault("rdmastack.resends/publication") >= 0);
        Assert.True(longs.Keys.Any(k => k.StartsWith("rdmastack.link.failures/publication/", StringComparison.Ordinal)), string.Join(", ", longs.Keys));
        Assert.Equal(1, longs.GetValueOrDefault("rdmastack.link.state/active/publication"));
        Assert.True(longs.GetValueOrDefault("rdmastack.connect.attempts") >= 3, string.Join(", ", longs.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(doubles.GetValueOrDefault("rdmastack.failover.detection_time") >= 1);
        Assert.True(doubles.GetValueOrDefault("rdmastack.failover.switchover_time") >= 1, string.Join(", ", doubles.Keys));
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
