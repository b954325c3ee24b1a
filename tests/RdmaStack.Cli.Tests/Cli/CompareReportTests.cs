using System.Globalization;
using System.Text.Json.Nodes;
using RdmaStack.Cli.Perf;

namespace RdmaStack.Tests.Cli;

/// <summary>`rdmastack perf compare-report`, the last step of `./build.sh bench compare`: the medians over the rounds
/// of the raw files the script leaves (the C limit's JSON, ucx_perftest's output, our `perf --json`), the 64 B rows
/// beside their baselines, the other sizes beside UCX at the same size, and a run of the 64-B-only script.</summary>
public sealed class CompareReportTests : IDisposable
{
    private static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    /// <summary>Each round's figures are the base figure times its round's factor: the median is the base.</summary>
    private static readonly double[] s_roundFactors = [1.5, 0.5, 1.0];

    private static readonly int[] s_allSizes = [8, 64, 512, 4096];

    /// <summary>Our one-way p50 (ns) per size; p99.9 is three times it.</summary>
    private static readonly Dictionary<int, double> s_oursP50 = new() { [8] = 60, [64] = 70, [512] = 80, [4096] = 120 };

    /// <summary>UCX put_lat typical (ns) per size.</summary>
    private static readonly Dictionary<int, double> s_ucxP50 = new() { [8] = 50, [64] = 50, [512] = 55, [4096] = 100 };

    /// <summary>Our stream rate (msg/s) per size.</summary>
    private static readonly Dictionary<int, double> s_oursRate = new() { [8] = 90e6, [64] = 80e6, [512] = 40e6, [4096] = 10e6 };

    /// <summary>UCX put_bw's message rate per size.</summary>
    private static readonly Dictionary<int, double> s_ucxRate = new() { [8] = 72e6, [64] = 70e6, [512] = 48e6, [4096] = 20e6 };

    private readonly string _work = Directory.CreateTempSubdirectory("rdmastack-compare-report-work-").FullName;
    private readonly string _out = Directory.CreateTempSubdirectory("rdmastack-compare-report-out-").FullName;

    public void Dispose()
    {
        Directory.Delete(_work, recursive: true);
        Directory.Delete(_out, recursive: true);
    }

    /// <summary>The files one round of compare.sh leaves: with <paramref name="sizes"/> false, the 64-B-only script's.</summary>
    private void WriteRound(int round, bool sizes)
    {
        double f = s_roundFactors[round - 1];
        int[] measured = sizes ? s_allSizes : [64];
        File.WriteAllText(Path.Combine(_work, $"round{round}-cacheline.json"), string.Create(Ic,
            $$"""{"rttNs": {"min": {{50 * f}}, "p50": {{60 * f}}, "p99": {{130 * f}}, "p999": {{200 * f}}}, "rttPercentilesNs": [[50, {{60 * f}}], [99.9, {{200 * f}}]]}"""));
        string Results(Func<int, string> row) => string.Join(", ", measured.Select(row));
        File.WriteAllText(Path.Combine(_work, $"round{round}-write-lat.json"), string.Create(Ic,
            $$"""{"commit": "c0ffee", "machine": {"cpu": "test CPU", "cores": 2, "kernel": "k"}, "results": [{{Results(s =>
                $$"""{"size": {{s}}, "tMinNs": {{s_oursP50[s] * f * 0.8}}, "tTypicalNs": {{s_oursP50[s] * f}}, "tAvgNs": {{s_oursP50[s] * f * 1.1}}, "p99Ns": {{s_oursP50[s] * f * 2}}, "p999Ns": {{s_oursP50[s] * f * 3}}, "percentiles": [[50, {{s_oursP50[s] * f}}]]}""")}}]}"""));
        File.WriteAllText(Path.Combine(_work, $"round{round}-write-bw.json"), string.Create(Ic,
            $$"""{"commit": "c0ffee", "results": [{{Results(s =>
                $$"""{"size": {{s}}, "tTypicalNs": {{1e9 * 1024 / (s_oursRate[s] * f)}}, "messagesPerSecond": {{s_oursRate[s] * f}}, "megabytesPerSecond": {{s_oursRate[s] * f * s / 1e6}}}""")}}]}"""));
        foreach (string rank in new[] { "50", "90", "99", "99.9" })
        {
            Ucx($"round{round}-ucx-lat-R{rank}.txt", s_ucxP50[64] * f / 1000, 0, 64);
        }

        Ucx($"round{round}-ucx-bw.txt", 0, s_ucxRate[64] * f, 64);
        if (sizes)
        {
            // native/slot-stream's line (the 64-B-only script ran no such step): 100 M msg/s at the median.
            File.WriteAllText(Path.Combine(_work, $"round{round}-slot-stream.txt"), string.Create(Ic,
                $"slot-stream: 64 B in 128-byte slots, 4 x 512 ring, batch 1024, whole message: {100 * f:0.0} M msg/s (20000000 messages, 0.200 s)\n"));
        }

        foreach (int s in measured.Where(s => s != 64))
        {
            Ucx($"round{round}-ucx-lat-s{s}-R50.txt", s_ucxP50[s] * f / 1000, 0, s);
            Ucx($"round{round}-ucx-bw-s{s}.txt", 0, s_ucxRate[s] * f, s);
        }
    }

    /// <summary>ucx_perftest's output: its table's last line, "Final:" iterations, latency at the rank, average,
    /// overall (us), bandwidth average, overall (MiB/s), message rate average, overall.</summary>
    private void Ucx(string name, double latencyUs, double rate, int size)
    {
        double mib = rate * size / (1024.0 * 1024.0);
        File.WriteAllText(Path.Combine(_work, name), string.Create(Ic,
            $"+---+\nFinal:           1000000     {latencyUs:0.000}     {latencyUs:0.000}     {latencyUs:0.000}    {mib:0.000}   {mib:0.000}    {rate:0}    {rate:0}\n"));
    }

    private string Report(bool sizes)
    {
        for (int r = 1; r <= 3; r++)
        {
            WriteRound(r, sizes);
        }

        var console = new StringWriter();
        Assert.Equal(0, CompareReport.Run(_work, _out, 3, "./build.sh bench compare (test)", console));
        string md = File.ReadAllText(Path.Combine(_out, "compare.md"));
        Assert.Equal(md, console.ToString());
        return md;
    }

    private static void AssertLines(string md, params string[] lines)
    {
        foreach (string line in lines)
        {
            Assert.Contains(line, md, StringComparison.Ordinal);
        }
    }

    private JsonNode ReportJson() => JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "compare.json")))!;

    private string[] SizesData() => [.. File.ReadAllLines(Path.Combine(_out, "compare-sizes.dat")).Where(l => !l.StartsWith('#'))];

    [Fact]
    public void A_run_with_the_other_sizes_sets_each_beside_ucx_at_that_size_with_the_medians_and_ratios()
    {
        string md = Report(sizes: true);

        AssertLines(
            md,
            "## Other sizes",
            "| 8 | 60.0 | 180.0 | 50.0 | 1.20 | 90.0 | 720.0 | 72.0 | 576.0 | 0.80 |",
            "| 512 | 80.0 | 240.0 | 55.0 | 1.45 | 40.0 | 20480.0 | 48.0 | 24576.0 | 1.20 |",
            "| 4096 | 120.0 | 360.0 | 100.0 | 1.20 | 10.0 | 40960.0 | 20.0 | 81920.0 | 2.00 |");
        Assert.DoesNotContain("| 64 |", md, StringComparison.Ordinal);
        JsonNode other = ReportJson()["otherSizes"]!;
        Assert.Equal(["8", "512", "4096"], other.AsObject().Select(kv => kv.Key));
        JsonNode at512 = other["512"]!;
        Assert.Equal(80, at512["oursOneWayP50Ns"]!.GetValue<double>());
        Assert.Equal(240, at512["oursOneWayP999Ns"]!.GetValue<double>());
        Assert.Equal(55, at512["ucxPutLatTypicalNs"]!.GetValue<double>());
        Assert.Equal(80.0 / 55, at512["latencyRatio"]!.GetValue<double>(), 0.001);
        Assert.Equal(40e6, at512["oursStreamMsgps"]!.GetValue<double>(), 0.001);
        Assert.Equal(48e6, at512["ucxPutBwMsgps"]!.GetValue<double>(), 0.001);
        Assert.Equal(24576, at512["ucxPutBwMBps"]!.GetValue<double>(), 0.01);
        Assert.Equal(1.2, at512["rateRatio"]!.GetValue<double>(), 0.001);
        Assert.Equal(["8 60 50 30", "64 70 50 30", "512 80 55 30", "4096 120 100 30"], SizesData());
    }

    [Fact]
    public void The_64_byte_rows_read_the_64_byte_results_when_the_run_has_other_sizes()
    {
        string md = Report(sizes: true);

        AssertLines(
            md,
            "| 64 B one-way p50 (ns) | 70.0 | C limit RTT/2 p50 | 30.0 | 2.33 | <= 1.3: not met |",
            "| 64 B one-way p99.9 (ns) | 210.0 | C limit RTT/2 p99.9 | 100.0 | 2.10 | <= 3: met |",
            "| 64 B stream (M msg/s) | 80.0 | UCX put_bw msg rate | 70.0 | 0.88 | <= 1: met |",
            "| 64 B stream (M msg/s) | 80.0 | slot-stream (C, the slot protocol) | 100.0 | 1.25 |  |");
        JsonNode json = ReportJson();
        Assert.Equal(13, json["figures"]!.AsArray().Count);
        Assert.Equal(70, json["distributionsNs"]!["ours"]![0]![1]!.GetValue<double>());
    }

    [Fact]
    public void A_run_of_the_64_byte_only_script_reports_without_the_other_sizes()
    {
        string md = Report(sizes: false);

        Assert.Contains("| 64 B one-way p50 (ns) | 70.0 | UCX put_lat typical | 50.0 | 1.40 | <= 1: not met |", md, StringComparison.Ordinal);
        Assert.DoesNotContain("slot-stream", md, StringComparison.Ordinal);
        Assert.DoesNotContain("Other sizes", md, StringComparison.Ordinal);
        Assert.Null(ReportJson()["otherSizes"]);
        Assert.Equal(["64 70 50 30"], SizesData());
    }

    [Fact]
    public void Each_round_is_listed_with_the_c_limit_before_and_after_ours_where_the_run_took_it_again()
    {
        for (int r = 1; r <= 3; r++)
        {
            WriteRound(r, sizes: false);
        }

        // Round 2 took the C limit again after ours, and the host had slowed down in between.
        File.WriteAllText(Path.Combine(_work, "round2-cacheline-after.json"), """{"rttNs": {"min": 200, "p50": 400, "p99": 600, "p999": 900}}""");
        Assert.Equal(0, CompareReport.Run(_work, _out, 3, "./build.sh bench compare (test)", new StringWriter()));
        string md = File.ReadAllText(Path.Combine(_out, "compare.md"));

        AssertLines(
            md,
            "## Rounds",
            "| 1 | 45.0 | 75.0 | 105.0 | n/a | 2.33 | 1.40 |",
            "| 2 | 15.0 | 25.0 | 35.0 | 200.0 | 2.33 | 1.40 |",
            "| 3 | 30.0 | 50.0 | 70.0 | n/a | 2.33 | 1.40 |");
        JsonArray rounds = ReportJson()["perRound"]!.AsArray();
        Assert.Null(rounds[0]!["c.after.p50"]);
        Assert.Equal(200, rounds[1]!["c.after.p50"]!.GetValue<double>());
        Assert.Contains("| 64 B one-way p50 (ns) | 70.0 | C limit RTT/2 p50 | 30.0 | 2.33 | <= 1.3: not met |", md, StringComparison.Ordinal); // the medians leave "after" out
    }
}
