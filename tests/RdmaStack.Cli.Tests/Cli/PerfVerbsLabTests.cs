using System.Text.Json;
using RdmaStack.Cli.Demo;
using RdmaStack.Cli.Perf;

namespace RdmaStack.Tests.Cli;

/// <summary>`rdmastack perf --provider verbs` between two processes on rxe0 and rxe1 (the Soft-RoCE lab): every
/// size is a connection of its own on the one device context each peer opens, and both peers leave cleanly.</summary>
[Trait("Lab", "true")]
public sealed class PerfVerbsLabTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Runs_every_size_over_its_own_connection(bool latency)
    {
        LabDevices.Require("rxe0", "rxe1");
        PerfTest test = latency ? PerfTest.WriteLatency : PerfTest.WriteBandwidth;
        string json = Path.Combine(Path.GetTempPath(), $"rdmastack-perf-verbs-{Environment.ProcessId}-{test}.json");
        var provider = new ProviderChoice("verbs", "rxe0", "rxe1");
        int[] sizes = [8, 64, 4096];
        var options = new PerfOptions(test, sizes, Iterations: latency ? 300 : 3_000, Warmup: 50, Segments: 2, Slots: 16, provider, "spin", TimeSpan.FromSeconds(30)) { JsonPath = json };
        var console = new StringWriter();
        try
        {
            int exit = PerfRunner.Run(options, "rdmastack perf lab test", console);

            Assert.True(exit == 0, console.ToString());
            Assert.Contains("verbs provider, rxe0 -> rxe1", console.ToString(), StringComparison.Ordinal);
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal("verbs provider, rxe0 -> rxe1", report.RootElement.GetProperty("provider").GetString());
            JsonElement[] rows = [.. report.RootElement.GetProperty("results").EnumerateArray()];
            Assert.Equal(sizes, rows.Select(r => r.GetProperty("size").GetInt32()));
            Assert.All(rows, r => Assert.True(r.GetProperty("tTypicalNs").GetDouble() > 0));
        }
        finally
        {
            File.Delete(json);
        }
    }
}
