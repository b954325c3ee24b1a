using System.Globalization;
using RdmaStack.Cli.Commands;

namespace RdmaStack.Cli.Perf;

/// <summary>
/// `rdmastack perf` across two hosts, perftest's way: `rdmastack perf write-lat -d mlx5_0` waits as the server, and
/// `rdmastack perf write-lat -d mlx5_0 HOST` runs the client against it. One process a host, each the peer of the
/// two-process run (the client initiates, as perftest's does), over the library's two-host links (the server listens
/// on -p, the client dials it); both print perftest's table, so a parser written for perftest reads ours.
/// </summary>
internal static class TwoHostPerf
{
    /// <summary>perftest's latency header, to the space.</summary>
    public const string LatencyHeader = " #bytes #iterations    t_min[usec]    t_max[usec]  t_typical[usec]    t_avg[usec]    t_stdev[usec]   99% percentile[usec]   99.9% percentile[usec] ";

    /// <summary>perftest's bandwidth header (MB = 2^20 bytes, as perftest's).</summary>
    public const string BandwidthHeader = " #bytes     #iterations    BW peak[MB/sec]    BW average[MB/sec]   MsgRate[Mpps]";

    private const string Rule = "---------------------------------------------------------------------------------------";

    public static int Run(PerfOptions options, TwoHost twoHost, TextWriter console, Func<PerfPeerResult, int> report)
    {
        var ic = CultureInfo.InvariantCulture;
        bool latency = options.Test == PerfTest.WriteLatency;
        console.WriteLine(Rule);
        console.WriteLine(latency ? "                    RDMA_Write Latency Test" : "                    RDMA_Write BW Test");
        console.WriteLine(string.Create(ic, $" rdmastack perf {options.TestName}: {twoHost.Describe()}; {(options.Provider.Device is { } d ? $"device {d} port {twoHost.IbPort}{(twoHost.GidIndex is int g ? $" GID index {g}" : string.Empty)}" : options.Provider.Description)}"));
        console.WriteLine(string.Create(ic, $" queue {options.QueueDescription}, idle {options.Idle}, -n {options.Iterations} (+{options.Warmup} warm-up)"));
        if (options.CheckFrequency && Governor() is { } governor && governor != "performance")
        {
            console.WriteLine($" warning: the CPU frequency governor is '{governor}', not 'performance': figures will wander (-F silences this)");
        }

        console.WriteLine(Rule);
        console.WriteLine(latency ? LatencyHeader : BandwidthHeader);
        console.Flush();
        PerfPeerResult result = PerfPeer.Run(twoHost.IsServer ? "receiver" : "sender", $"perf-{options.TestName}", options);
        foreach (PerfSizeResult row in result.Sizes)
        {
            console.WriteLine(latency ? LatencyRow(row) : BandwidthRow(row));
        }

        if (latency && twoHost.IsServer && result.Error is null)
        {
            console.WriteLine(string.Create(ic, $" served {options.Sizes.Count} size(s) of {options.Iterations} round trips; the client reports the figures"));
        }

        console.WriteLine(Rule);
        return report(result);
    }

    public static string LatencyRow(PerfSizeResult r) => string.Create(
        CultureInfo.InvariantCulture,
        $" {r.Size,-7} {r.Iterations,-10}    {r.TMinNs / 1000,-13:0.00}  {r.TMaxNs / 1000,-13:0.00}  {r.TTypicalNs / 1000,-15:0.00}  {r.TAvgNs / 1000,-13:0.00}  {r.TStdevNs / 1000,-14:0.00}  {r.P99Ns / 1000,-21:0.00}  {r.P999Ns / 1000,-21:0.00}");

    /// <summary>BW peak from the fastest block, BW average from the whole run, in MB = 2^20 bytes a second.</summary>
    public static string BandwidthRow(PerfSizeResult r) => string.Create(
        CultureInfo.InvariantCulture,
        $" {r.Size,-10} {r.Iterations,-14} {BandwidthPeak(r),-18:0.00} {BandwidthAverage(r),-20:0.00} {r.MessagesPerSecond / 1e6:0.000000}");

    /// <summary>perftest's "BW peak[MB/sec]": the fastest block's rate, in MB = 2^20 bytes a second.</summary>
    public static double BandwidthPeak(PerfSizeResult r) => (r.TMinNs > 0 ? 1e9 / r.TMinNs : r.MessagesPerSecond) * r.Size / (1 << 20);

    /// <summary>perftest's "BW average[MB/sec]": the whole run's rate, in MB = 2^20 bytes a second.</summary>
    public static double BandwidthAverage(PerfSizeResult r) => r.MessagesPerSecond * r.Size / (1 << 20);

    private static string? Governor()
    {
        try
        {
            return File.ReadAllText("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // no cpufreq (a VM): nothing to warn about
        }
    }
}
