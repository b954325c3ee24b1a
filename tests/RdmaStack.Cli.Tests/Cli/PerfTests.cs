using System.Text.Json;
using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Perf;
using RdmaStack.Queues;

namespace RdmaStack.Tests.Cli;

/// <summary>`rdmastack perf`: both tests end to end between two real processes (small counts; figures are not judged).</summary>
public class PerfTests
{
    [Theory]
    [InlineData(true, "t_typical[us]")]
    [InlineData(false, "msg/s")]
    public void Runs_every_size_and_writes_the_json_result(bool latency, string column)
    {
        PerfTest test = latency ? PerfTest.WriteLatency : PerfTest.WriteBandwidth;
        string json = Path.Combine(Path.GetTempPath(), $"rdmastack-perf-test-{Environment.ProcessId}-{test}.json");
        var options = new PerfOptions(test, [0, 8, 64, 4096], Iterations: 5_000, Warmup: 500, Segments: 2, Slots: 16, ProviderChoice.SharedMemory, "spin", TimeSpan.FromSeconds(20)) { JsonPath = json };
        var console = new StringWriter();
        try
        {
            int exit = PerfRunner.Run(options, "rdmastack perf test", console);

            Assert.True(exit == 0, console.ToString());
            Assert.Contains(column, console.ToString(), StringComparison.Ordinal);
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement root = report.RootElement;
            Assert.Equal(options.TestName, root.GetProperty("test").GetString());
            Assert.Equal("rdmastack perf test", root.GetProperty("command").GetString());
            Assert.False(string.IsNullOrEmpty(root.GetProperty("commit").GetString()));
            Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
            JsonElement[] rows = [.. root.GetProperty("results").EnumerateArray()];
            Assert.Equal([0, 8, 64, 4096], rows.Select(r => r.GetProperty("size").GetInt32()));
            foreach (JsonElement row in rows)
            {
                Assert.True(row.GetProperty("tTypicalNs").GetDouble() > 0);
                Assert.True(row.GetProperty("p999Ns").GetDouble() >= row.GetProperty("tTypicalNs").GetDouble());
                Assert.True(row.GetProperty("messagesPerSecond").GetDouble() > 0);
            }
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Theory]
    [InlineData(true, "", PerfOptionSet.LatencySegments, PerfOptionSet.LatencySlots)]
    [InlineData(false, "", PerfOptionSet.BandwidthSegments, PerfOptionSet.StreamSlots)]
    [InlineData(false, "--provider verbs --device rxe0 --peer-device rxe1", PerfOptionSet.BandwidthSegments, PerfOptionSet.BandwidthSlots)]
    [InlineData(true, "--segments 4 --slots 256", 4, 256)]
    [InlineData(true, "--slots 64", PerfOptionSet.LatencySegments, 64)]
    [InlineData(false, "--segments 2 --slots 16", 2, 16)]
    [InlineData(true, "--provider verbs --device rxe0 --peer-device rxe1", PerfOptionSet.BandwidthSegments, PerfOptionSet.BandwidthSlots)]
    public void Write_lat_over_shared_memory_defaults_to_a_ring_that_fits_the_L1_cache_and_a_given_geometry_wins(bool latency, string line, int segments, int slots)
    {
        PerfTest test = latency ? PerfTest.WriteLatency : PerfTest.WriteBandwidth;
        var set = new PerfOptionSet();
        var command = new System.CommandLine.Command("write");
        set.AddTo(command);
        System.CommandLine.ParseResult result = command.Parse(line);
        Assert.Empty(CommandChecks.Errors(result));

        PerfOptions options = set.Bind(test, result);

        Assert.Equal((segments, slots), (options.Segments, options.Slots));
        Assert.True(PerfOptionSet.LatencySegments * PerfOptionSet.LatencySlots * options.GeometryFor(64).SlotStride <= 16 * 1024, "write-lat's default ring at 64 B stays well inside a 32 KiB L1");
    }

    [Theory]
    [InlineData(false, "", PerfOptionSet.StreamBatch)]
    [InlineData(false, "--batch 8", 8)]
    [InlineData(false, "--provider verbs --device rxe0 --peer-device rxe1", PerfOptionSet.DefaultBatch)]
    [InlineData(true, "", PerfOptionSet.DefaultBatch)]
    public void Write_bw_over_shared_memory_claims_two_segments_at_once_and_a_given_batch_wins(bool latency, string line, int batch)
    {
        var set = new PerfOptionSet();
        var command = new System.CommandLine.Command("write");
        set.AddTo(command);
        System.CommandLine.ParseResult result = command.Parse(line);
        Assert.Empty(CommandChecks.Errors(result));

        PerfOptions options = set.Bind(latency ? PerfTest.WriteLatency : PerfTest.WriteBandwidth, result);

        Assert.Equal(batch, options.Batch);
        Assert.Equal(2 * PerfOptionSet.StreamSlots, PerfOptionSet.StreamBatch);
        Assert.Equal(!latency && !line.Contains("verbs", StringComparison.Ordinal) ? PerfOptionSet.StreamRingBytes : null, options.RingBytes);
        Assert.True(PerfOptionSet.StreamBatch <= BandwidthPeer.BlockMessages, "a batch never crosses a block's mark");
    }

    [Theory]
    [InlineData(8, 512, 1024)]
    [InlineData(64, 512, 1024)]
    [InlineData(512, 409, 818)]
    [InlineData(4096, 62, 124)]
    [InlineData(65536, 16, 32)]
    public void Write_bw_over_shared_memory_fits_each_size_in_a_ring_of_at_most_1_MiB_and_batches_two_segments(int size, int slots, int batch)
    {
        var set = new PerfOptionSet();
        var command = new System.CommandLine.Command("write-bw");
        set.AddTo(command);
        PerfOptions options = set.Bind(PerfTest.WriteBandwidth, command.Parse(""));

        SegmentedQueueGeometry geometry = options.GeometryFor(size);

        Assert.Equal((PerfOptionSet.BandwidthSegments, slots), (geometry.Segments, geometry.SlotsPerSegment));
        Assert.Equal(batch, options.BatchFor(size));
        Assert.True(geometry.RingLength <= PerfOptionSet.StreamRingBytes || slots == PerfOptions.MinimumSlots, geometry.ToString());
        Assert.Equal(options, set.Bind(PerfTest.WriteBandwidth, command.Parse(string.Join(' ', PerfOptionSet.ToArguments(options).Skip(2)))) with { Sizes = options.Sizes });
    }

    [Theory]
    [InlineData("", 64, 20_000_000, 2_000_000)]
    [InlineData("--max-bytes 8000000000", 8, 20_000_000, 2_000_000)]
    [InlineData("--max-bytes 8000000000", 64, 20_000_000, 2_000_000)]
    [InlineData("--max-bytes 8000000000", 512, 15_625_000, 1_562_500)]
    [InlineData("--max-bytes 8000000000", 4096, 1_953_125, 195_312)]
    [InlineData("--max-bytes 8000000000", 0, 20_000_000, 2_000_000)]
    [InlineData("--max-bytes 100", 4096, 1, 0)]
    public void Max_bytes_caps_the_messages_of_the_larger_sizes_and_scales_their_warmup(string cap, int size, int iterations, int warmup)
    {
        var set = new PerfOptionSet();
        var command = new System.CommandLine.Command("write-bw");
        set.AddTo(command);
        System.CommandLine.ParseResult result = command.Parse($"--iterations 20000000 {cap}");
        Assert.Empty(CommandChecks.Errors(result));

        PerfOptions sized = set.Bind(PerfTest.WriteBandwidth, result).ForSize(size);

        Assert.Equal((iterations, warmup), (sized.Iterations, sized.Warmup));
    }

    [Fact]
    public void Both_peer_processes_run_each_size_under_the_byte_cap()
    {
        string json = Path.Combine(Path.GetTempPath(), $"rdmastack-perf-test-{Environment.ProcessId}-max-bytes.json");
        var options = new PerfOptions(PerfTest.WriteBandwidth, [8, 64, 4096], Iterations: 5_000, Warmup: 500, Segments: 2, Slots: 16, ProviderChoice.SharedMemory, "spin", TimeSpan.FromSeconds(20))
        {
            JsonPath = json,
            MaxBytes = 64 * 5_000,
        };
        var console = new StringWriter();
        try
        {
            int exit = PerfRunner.Run(options, "rdmastack perf test", console);

            Assert.True(exit == 0, console.ToString());
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement[] rows = [.. report.RootElement.GetProperty("results").EnumerateArray()];
            Assert.Equal([(8, 5_000L), (64, 5_000L), (4096, 78L)], rows.Select(r => (r.GetProperty("size").GetInt32(), r.GetProperty("iterations").GetInt64())));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Parses_sizes_and_rejects_bad_ones()
    {
        Assert.Equal([8, 64, 512, 4096], PerfOptionSet.ParseSizes("8,64,512,4096"));
        Assert.Equal(PerfOptions.DefaultSizes, PerfOptionSet.ParseSizes(null));
        Assert.Equal(8, PerfOptions.DefaultSizes[0]);
        Assert.Equal(4096, PerfOptions.DefaultSizes[^1]);
        Assert.Throws<FormatException>(() => PerfOptionSet.ParseSizes("8,x"));
        Assert.Throws<FormatException>(() => PerfOptionSet.ParseSizes("-1"));
    }

    [Fact]
    public void Percentiles_halve_round_trips()
    {
        long tick = System.Diagnostics.Stopwatch.Frequency / 1_000_000_000 is var perNs && perNs > 0 ? perNs : 1;
        long[] samples = [.. Enumerable.Range(1, 1000).Select(i => i * 100 * tick)];

        PerfSizeResult r = LatencyStatistics.Summarize(samples, 2);

        Assert.Equal(50, r.TMinNs, 0.5);
        Assert.Equal(25_000, r.TTypicalNs, 25.0);
        Assert.Equal(49_500, r.P99Ns, 50.0);
        Assert.Equal(25_025, r.TAvgNs, 1.0);
    }
}
