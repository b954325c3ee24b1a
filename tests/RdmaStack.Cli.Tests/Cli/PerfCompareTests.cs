using RdmaStack.Cli.Perf;

namespace RdmaStack.Tests.Cli;

/// <summary>`rdmastack perf compare`: run.sh's run files and `perf --json` files, what moved, the facts that differ,
/// and files it cannot read.</summary>
public sealed class PerfCompareTests : IDisposable
{
    private const string RunSh = """
        {"tool": "hw-lab/connectx/run.sh", "role": "client", "run": "R", "date_utc": "2026-01-01T12:00:00Z", "status": "pass",
         "versions": {"perftest": "6.19", "rdmastack": "0.1.5"},
         "plan": {"fingerprint": "F", "device": "mlx5_0", "ib_port": 1, "gid_index": 3, "cpu": 4, "sizes": [8, 64], "iterations": 5000},
         "machine": {"hostname": "lab-a", "date_utc": "D", "kernel": "6.1.0-18-amd64",
                     "cpu": {"model": "Xeon Gold 6354", "governor": "performance"},
                     "nics": [{"device": "mlx5_0", "fw_ver": "FW", "model": null, "model_reason": "unreadable", "ports": [{"port": 1, "state": "4: ACTIVE"}]}]},
         "steps": [],
         "results": [{"test": "write-lat", "rounds": 3, "bytes": 8, "iterations": 5000, "t_typical_us": T, "p99_us": 1.5, "p999_us": 2.0},
                     {"test": "write-bw", "rounds": 3, "bytes": 64, "iterations": 5000, "bw_avg_mbps": 900.0, "msg_rate_mpps": M}],
         "baseline": [{"test": "write-lat", "rounds": 3, "bytes": 8, "iterations": 5000, "t_typical_us": 1.0, "p99_us": 1.2, "p999_us": 1.9}],
         "ratios": [], "drill": null, "waiting_for": []}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("rdmastack-compare-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string json)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    private string RunFile(string name, string typical, string rate, string firmware, string governor) =>
        Write(name, RunSh.Replace("\"t_typical_us\": T", $"\"t_typical_us\": {typical}", StringComparison.Ordinal)
            .Replace("\"msg_rate_mpps\": M", $"\"msg_rate_mpps\": {rate}", StringComparison.Ordinal)
            .Replace("\"FW\"", $"\"{firmware}\"", StringComparison.Ordinal)
            .Replace("\"performance\"", $"\"{governor}\"", StringComparison.Ordinal));

    private static string Compare(string a, string b, double threshold = PerfCompare.DefaultThreshold)
    {
        var console = new StringWriter();
        Assert.Equal(0, PerfCompare.Run(PerfRunFile.Load(a), PerfRunFile.Load(b), threshold, console));
        return console.ToString();
    }

    [Fact]
    public void Flags_what_moved_beyond_the_threshold_in_the_right_direction()
    {
        string a = RunFile("a.json", "1.10", "14.7", "22.36.1010", "performance");
        string b = RunFile("b.json", "1.30", "16.0", "22.36.1010", "performance");

        string output = Compare(a, b);

        Assert.Matches(@"write-lat +ours +8 +t_typical_us +1\.100 +1\.300 +\+18\.2 % +WORSE", output);
        Assert.Matches(@"write-bw +ours +64 +msg_rate_mpps +14\.700 +16\.000 +\+8\.8 % +better", output);
        Assert.Matches(@"write-lat +perftest +8 +t_typical_us +1\.000 +1\.000 +0\.0 %\r?\n", output);
        Assert.Contains("moved beyond 5 %: 1 worse, 1 better, of 8 figures", output, StringComparison.Ordinal);
        Assert.Contains("host facts: the", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_larger_threshold_flags_less()
    {
        string a = RunFile("a.json", "1.10", "14.7", "X", "performance");
        string b = RunFile("b.json", "1.30", "16.0", "X", "performance");

        Assert.Contains("moved beyond 10 %: 1 worse, 0 better, of 8 figures", Compare(a, b, 10), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_the_host_facts_that_differ_and_leaves_out_dates_and_reasons()
    {
        string a = RunFile("a.json", "1.10", "14.7", "22.36.1010", "performance");
        string b = RunFile("b.json", "1.10", "14.7", "22.39.2048", "powersave");

        string output = Compare(a, b);

        Assert.Matches(@"nics\.mlx5_0\.fw_ver +A: 22\.36\.1010\r?\n +B: 22\.39\.2048", output);
        Assert.Matches(@"cpu\.governor +A: performance\r?\n +B: powersave", output);
        Assert.Contains("host facts that differ (2;", output, StringComparison.Ordinal);
        Assert.DoesNotContain("date_utc", output, StringComparison.Ordinal);
        Assert.DoesNotContain("_reason", output, StringComparison.Ordinal);
        Assert.Contains("moved beyond 5 %: 0 worse, 0 better, of 8 figures", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_rdmastack_perf_json_output_beside_a_run_file()
    {
        string perf = Write("perf.json", """
            {"tool": "rdmastack perf", "test": "write-lat", "command": "rdmastack perf write-lat", "commit": "abc", "dateUtc": "2026-01-02T00:00:00Z",
             "machine": {"cpu": "Xeon Gold 6354", "cores": 32, "kernel": "6.1.0-21-amd64", "runtime": ".NET 10", "isolation": "none", "hugePages": "none"},
             "provider": "verbs", "cpus": "4,4", "idle": "spin", "queue": "4 x 256", "timerCostNs": 20, "notes": [],
             "results": [{"size": 8, "iterations": 5000, "tMinNs": 900, "tTypicalNs": 990, "tAvgNs": 1000, "p99Ns": 1400, "p999Ns": 1800, "tMaxNs": 9000, "tStdevNs": 50,
                          "messagesPerSecond": 500000, "megabytesPerSecond": 4, "blockMessages": 0, "backPressured": 0, "percentiles": []},
                         {"size": 4096, "iterations": 5000, "tMinNs": 2000, "tTypicalNs": 2100, "tAvgNs": 2200, "p99Ns": 2500, "p999Ns": 3000, "tMaxNs": 9000, "tStdevNs": 50,
                          "messagesPerSecond": 200000, "megabytesPerSecond": 800, "blockMessages": 0, "backPressured": 0, "percentiles": []}]}
            """);
        string run = RunFile("run.json", "1.10", "14.7", "X", "performance");

        string output = Compare(run, perf);

        Assert.Matches(@"write-lat +ours +8 +t_typical_us +1\.100 +0\.990 +-10\.0 % +better", output);
        Assert.Matches(@"write-lat +ours +8 +p999_us +2\.000 +1\.800 +-10\.0 % +better", output);
        Assert.Contains("only in A: write-bw ours 64 B, write-lat perftest 8 B", output, StringComparison.Ordinal);
        Assert.Contains("only in B: write-lat ours 4096 B", output, StringComparison.Ordinal);
        Assert.Matches(@"kernel +A: 6\.1\.0-18-amd64\r?\n +B: 6\.1\.0-21-amd64", output);
    }

    [Fact]
    public void Write_bw_figures_of_perf_json_are_perftests_units()
    {
        string perf = Write("bw.json", """
            {"tool": "rdmastack perf", "test": "write-bw", "dateUtc": "D", "machine": {},
             "results": [{"size": 1024, "iterations": 1000, "tMinNs": 500, "messagesPerSecond": 1048576}]}
            """);

        PerfRunRow row = Assert.Single(PerfRunFile.Load(perf).Rows);

        Assert.Equal(("write-bw", "ours", 1024), row.Key);
        Assert.Equal(1024.0, row.Figures["bw_avg_mbps"], 6); // 2^20 messages of 2^10 B a second = 2^10 MB/s, MB = 2^20 B
        Assert.Equal(1.048576, row.Figures["msg_rate_mpps"], 6);
        Assert.Equal(1953.125, row.Figures["bw_peak_mbps"], 6); // one message per 500 ns
    }

    [Theory]
    [InlineData("missing.json", null, "cannot be read")]
    [InlineData("empty.json", "", "not a valid run file")]
    [InlineData("cut.json", "{\"tool\": \"hw-lab/connectx/run.sh\", \"results\": [", "not a valid run file")]
    [InlineData("other.json", "{\"name\": \"something else\"}", "neither a run.sh run file nor `rdmastack perf --json` output")]
    [InlineData("array.json", "[1, 2]", "neither a run.sh run file")]
    [InlineData("nobaseline.json", "{\"tool\": \"hw-lab/connectx/run.sh\", \"results\": []}", "without its \"baseline\" array")]
    [InlineData("badrow.json", "{\"tool\": \"hw-lab/connectx/run.sh\", \"role\": \"client\", \"results\": [{\"test\": \"write-lat\", \"bytes\": \"eight\"}], \"baseline\": []}", "not a valid run file")]
    [InlineData("badtest.json", "{\"tool\": \"rdmastack perf\", \"test\": \"send-lat\", \"results\": []}", "unknown test 'send-lat'")]
    public void Refuses_a_file_it_cannot_use_with_one_line_naming_it(string name, string? content, string expected)
    {
        string path = content is null ? Path.Combine(_folder, name) : Write(name, content);

        var e = Assert.Throws<InvalidDataException>(() => PerfRunFile.Load(path));

        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
