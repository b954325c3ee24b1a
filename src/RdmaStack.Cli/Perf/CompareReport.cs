using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RdmaStack.Cli.Perf;

/// <summary>
/// `./build.sh bench compare`'s last step: reads the rounds it ran (the C cache-line ping-pong, UCX
/// ucx_perftest, our write-lat and write-bw), takes each figure's median over the rounds, sets ours
/// beside its baseline from the same run with the ratio, and writes compare.json, compare.md and the
/// gnuplot data of the latency distributions.
/// </summary>
/// <remarks>All latencies are one-way: the C limit's RTT is halved, as perftest and UCX report theirs.</remarks>
internal static class CompareReport
{
    private static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    public static int Run(string work, string output, int rounds, string command, TextWriter console)
    {
        var roundNodes = new JsonArray();
        var figures = new Dictionary<string, List<double>>();
        JsonNode? lastOurs = null, lastC = null, lastBw = null;
        var ucxDistribution = new SortedDictionary<double, List<double>>();
        for (int r = 1; r <= rounds; r++)
        {
            JsonNode c = Load(Path.Combine(work, $"round{r}-cacheline.json"));
            JsonNode lat = Load(Path.Combine(work, $"round{r}-write-lat.json"));
            JsonNode bw = Load(Path.Combine(work, $"round{r}-write-bw.json"));
            JsonNode latRow = lat["results"]![0]!;
            JsonNode bwRow = bw["results"]![0]!;
            var round = new JsonObject { ["round"] = r };
            void Add(string key, double value)
            {
                round[key] = Math.Round(value, 3);
                if (!figures.TryGetValue(key, out List<double>? list))
                {
                    figures[key] = list = [];
                }

                list.Add(value);
            }

            Add("c.p50", Num(c["rttNs"]!["p50"]) / 2);
            Add("c.p99", Num(c["rttNs"]!["p99"]) / 2);
            Add("c.p999", Num(c["rttNs"]!["p999"]) / 2);
            Add("c.min", Num(c["rttNs"]!["min"]) / 2);
            foreach (string file in Directory.EnumerateFiles(work, $"round{r}-ucx-lat-R*.txt"))
            {
                string rank = Path.GetFileNameWithoutExtension(file)[$"round{r}-ucx-lat-R".Length..];
                double[] final = UcxFinal(file);
                double percentile = double.Parse(rank, Ic);
                Add($"ucx.p{rank}", final[1] * 1000);
                Add("ucx.avg", final[2] * 1000);
                if (!ucxDistribution.TryGetValue(percentile, out List<double>? at))
                {
                    ucxDistribution[percentile] = at = [];
                }

                at.Add(final[1] * 1000);
            }

            Add("ucx.bw.msgps", UcxFinal(Path.Combine(work, $"round{r}-ucx-bw.txt"))[6]);
            Add("ours.min", Num(latRow["tMinNs"]));
            Add("ours.p50", Num(latRow["tTypicalNs"]));
            Add("ours.avg", Num(latRow["tAvgNs"]));
            Add("ours.p99", Num(latRow["p99Ns"]));
            Add("ours.p999", Num(latRow["p999Ns"]));
            Add("ours.bw.msgps", Num(bwRow["messagesPerSecond"]));
            Add("ours.bw.MBps", Num(bwRow["megabytesPerSecond"]));
            Add("ours.bw.typical.msgps", 1e9 / Num(bwRow["tTypicalNs"]));
            roundNodes.Add(round);
            (lastOurs, lastC, lastBw) = (lat, c, bw);
        }

        double M(string key) => figures.TryGetValue(key, out List<double>? v) && v.Count > 0 ? Median(v) : double.NaN;
        var rows = new List<Row>
        {
            new("64 B one-way p50 (ns)", M("ours.p50"), M("c.p50"), "C limit RTT/2 p50", 1.3),
            new("64 B one-way p50 (ns)", M("ours.p50"), M("ucx.p50"), "UCX put_lat typical", 1.0),
            new("64 B one-way min (ns)", M("ours.min"), M("c.min"), "C limit RTT/2 min", null),
            new("64 B one-way p99 (ns)", M("ours.p99"), M("c.p99"), "C limit RTT/2 p99", null),
            new("64 B one-way p99 (ns)", M("ours.p99"), M("ucx.p99"), "UCX put_lat p99", null),
            new("64 B one-way p99.9 (ns)", M("ours.p999"), M("c.p999"), "C limit RTT/2 p99.9", 3.0),
            new("64 B one-way p99.9 (ns)", M("ours.p999"), M("ucx.p99.9"), "UCX put_lat p99.9", null),
            new("64 B one-way avg (ns)", M("ours.avg"), M("ucx.avg"), "UCX put_lat average", null),
            new("64 B stream (M msg/s)", M("ours.bw.msgps") / 1e6, M("ucx.bw.msgps") / 1e6, "UCX put_bw msg rate", null),
            new("64 B stream (M msg/s)", M("ours.bw.msgps") / 1e6, 20, "target 20 M msg/s", 1.0),
            new("64 B stream, median block (M msg/s)", M("ours.bw.typical.msgps") / 1e6, M("ucx.bw.msgps") / 1e6, "UCX put_bw msg rate", null),
            new("64 B stream, median block (M msg/s)", M("ours.bw.typical.msgps") / 1e6, 20, "target 20 M msg/s", 1.0),
        };

        Directory.CreateDirectory(output);
        string commit = lastOurs?["commit"]?.GetValue<string>() ?? "unknown";
        JsonNode machine = lastOurs?["machine"]?.DeepClone() ?? new JsonObject();
        string date = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Ic);
        var figuresNode = new JsonArray();
        foreach (Row row in rows)
        {
            figuresNode.Add(new JsonObject
            {
                ["figure"] = row.Figure,
                ["ours"] = Math.Round(row.Ours, 3),
                ["baseline"] = row.BaselineName,
                ["baselineValue"] = Math.Round(row.Baseline, 3),
                ["ratio"] = Math.Round(row.Ratio, 3),
                ["target"] = row.Target is null ? null : $"ratio <= {row.Target.Value.ToString(Ic)}",
                ["met"] = row.Target is null ? null : row.Ratio <= row.Target.Value,
            });
        }

        var distributions = new JsonObject
        {
            ["ours"] = lastOurs?["results"]?[0]?["percentiles"]?.DeepClone(),
            ["cLimitRttHalf"] = Halve(lastC?["rttPercentilesNs"]),
            ["ucx"] = new JsonArray([.. ucxDistribution.Select(kv => (JsonNode)new JsonArray(kv.Key, Math.Round(Median(kv.Value), 1)))]),
        };
        var report = new JsonObject
        {
            ["tool"] = "./build.sh bench compare",
            ["command"] = command,
            ["commit"] = commit,
            ["dateUtc"] = date,
            ["machine"] = machine,
            ["rounds"] = rounds,
            ["note"] = "every figure is the median over the rounds; latencies are one-way (the C limit's RTT halved); ratio = ours / baseline (for M msg/s: baseline / ours, so below 1 is better everywhere)",
            ["figures"] = figuresNode,
            ["perRound"] = roundNodes,
            ["distributionsNs"] = distributions,
            ["oursWriteBw"] = lastBw?["results"]?.DeepClone(),
        };
        File.WriteAllText(Path.Combine(output, "compare.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        string table = Markdown(rows, rounds, command, commit, date, machine);
        File.WriteAllText(Path.Combine(output, "compare.md"), table);
        WriteData(Path.Combine(output, "compare-ours.dat"), distributions["ours"]);
        WriteData(Path.Combine(output, "compare-c-limit.dat"), distributions["cLimitRttHalf"]);
        WriteData(Path.Combine(output, "compare-ucx.dat"), distributions["ucx"]);
        console.Write(table);
        return 0;
    }

    private static string Markdown(List<Row> rows, int rounds, string command, string commit, string date, JsonNode machine)
    {
        var md = new StringBuilder();
        md.AppendLine(Ic, $"# bench compare: ours vs the C limit vs UCX (shared memory, two pinned processes)");
        md.AppendLine();
        md.AppendLine(Ic, $"`{command}` at commit `{commit}`, {date}; {machine["cpu"]}, {machine["cores"]} cores, kernel {machine["kernel"]}.");
        md.AppendLine(Ic, $"Median of {rounds} alternating rounds. Latencies one-way (C limit: RTT/2). Ratio = ours / baseline; for msg/s, baseline / ours (below 1 is better everywhere).");
        md.AppendLine("\"stream\" is the rate over the whole run at the receiver; \"median block\" is the rate of the median block of 1024 messages, which leaves out the time the other tenants of this shared machine took the cores.");
        md.AppendLine();
        md.AppendLine("| figure | ours | baseline | baseline value | ratio | target |");
        md.AppendLine("|---|---:|---|---:|---:|---|");
        foreach (Row r in rows)
        {
            string target = r.Target is null ? "" : $"<= {r.Target.Value.ToString(Ic)}: {(r.Ratio <= r.Target.Value ? "met" : "not met")}";
            md.AppendLine(Ic, $"| {r.Figure} | {r.Ours:0.0##} | {r.BaselineName} | {r.Baseline:0.0##} | {r.Ratio:0.00} | {target} |");
        }

        return md.ToString();
    }

    private static JsonArray Halve(JsonNode? pairs) =>
        new([.. (pairs?.AsArray() ?? []).Select(p => (JsonNode)new JsonArray(Num(p![0]), Math.Round(Num(p[1]) / 2, 1)))]);

    private static void WriteData(string path, JsonNode? pairs)
    {
        var text = new StringBuilder("# percentile one_way_ns\n");
        foreach (JsonNode? p in pairs?.AsArray() ?? [])
        {
            text.AppendLine(Ic, $"{Num(p![0])} {Num(p[1])}");
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>The numbers of ucx_perftest's "Final:" line: iterations, latency at the rank, average,
    /// overall (us), bandwidth average, overall (MB/s), message rate average, overall.</summary>
    private static double[] UcxFinal(string path)
    {
        string? line = File.ReadLines(path).LastOrDefault(l => l.TrimStart().StartsWith("Final:", StringComparison.Ordinal));
        if (line is null)
        {
            throw new InvalidOperationException($"{path}: no 'Final:' line from ucx_perftest (did it fail? the file holds its output)");
        }

        return [.. line.Trim()["Final:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => double.Parse(t, Ic))];
    }

    private static JsonNode Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: that step of the round failed (see its output above)");
        }

        return JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} is empty");
    }

    private static double Num(JsonNode? node) => node?.GetValue<double>() ?? double.NaN;

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    private sealed record Row(string Figure, double Ours, double Baseline, string BaselineName, double? Target)
    {
        public bool IsRate => Figure.Contains("msg/s", StringComparison.Ordinal);

        public double Ratio => IsRate ? Baseline / Ours : Ours / Baseline;
    }
}
