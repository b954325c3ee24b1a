using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RdmaStack.Cli.Perf;

/// <summary>
/// `./build.sh bench compare`'s last step: reads the rounds it ran (the C cache-line ping-pong, UCX
/// ucx_perftest, our write-lat and write-bw), takes each figure's median over the rounds, sets ours
/// beside its baseline from the same run with the ratio, and writes compare.json, compare.md and the
/// gnuplot data of the latency distributions. The targets are at 64 B; the other sizes (8, 512, 4096 B) go in a
/// second table beside UCX at the same size, without targets, and only when the run measured them (a run of the
/// 64-B-only script has none).
/// </summary>
/// <remarks>All latencies are one-way: the C limit's RTT is halved, as perftest and UCX report theirs. UCX's MB/s
/// are MiB/s (ucx_perftest divides by 1024^2); they are converted to 10^6 B/s, ours' unit.</remarks>
internal static class CompareReport
{
    private static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    /// <summary>The size of the targets' rows.</summary>
    private const int MainSize = 64;

    /// <summary>The sizes of the second table, measured beside <see cref="MainSize"/>.</summary>
    private static readonly int[] s_otherSizes = [8, 512, 4096];

    /// <summary>ucx_perftest's MB: 1024^2 bytes.</summary>
    private const double UcxMegabyte = 1024.0 * 1024.0;

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
            JsonNode latRow = SizeRow(lat, MainSize) ?? throw new InvalidOperationException($"round {r}: write-lat has no {MainSize} B result");
            JsonNode bwRow = SizeRow(bw, MainSize) ?? throw new InvalidOperationException($"round {r}: write-bw has no {MainSize} B result");
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
            string slotStream = Path.Combine(work, $"round{r}-slot-stream.txt");
            if (File.Exists(slotStream))
            {
                Add("slot.bw.msgps", SlotStreamRate(slotStream));
            }

            Add("ours.min", Num(latRow["tMinNs"]));
            Add("ours.p50", Num(latRow["tTypicalNs"]));
            Add("ours.avg", Num(latRow["tAvgNs"]));
            Add("ours.p99", Num(latRow["p99Ns"]));
            Add("ours.p999", Num(latRow["p999Ns"]));
            Add("ours.bw.msgps", Num(bwRow["messagesPerSecond"]));
            Add("ours.bw.MBps", Num(bwRow["megabytesPerSecond"]));
            Add("ours.bw.typical.msgps", 1e9 / Num(bwRow["tTypicalNs"]));
            foreach (int size in s_otherSizes)
            {
                if (SizeRow(lat, size) is JsonNode latAt)
                {
                    Add($"ours.s{size}.p50", Num(latAt["tTypicalNs"]));
                    Add($"ours.s{size}.p999", Num(latAt["p999Ns"]));
                }

                if (SizeRow(bw, size) is JsonNode bwAt)
                {
                    Add($"ours.s{size}.bw.msgps", Num(bwAt["messagesPerSecond"]));
                    Add($"ours.s{size}.bw.MBps", Num(bwAt["megabytesPerSecond"]));
                }

                string ucxLat = Path.Combine(work, $"round{r}-ucx-lat-s{size}-R50.txt");
                if (File.Exists(ucxLat))
                {
                    Add($"ucx.s{size}.p50", UcxFinal(ucxLat)[1] * 1000);
                }

                string ucxBw = Path.Combine(work, $"round{r}-ucx-bw-s{size}.txt");
                if (File.Exists(ucxBw))
                {
                    double[] final = UcxFinal(ucxBw);
                    Add($"ucx.s{size}.bw.msgps", final[6]);
                    Add($"ucx.s{size}.bw.MBps", final[4] * UcxMegabyte / 1e6);
                }
            }

            // The C limit measured again right after our write-lat (compare.sh since the fourth round): whether the round's
            // three latencies were taken in one state of the host. Reported per round, not in the medians.
            string after = Path.Combine(work, $"round{r}-cacheline-after.json");
            if (File.Exists(after))
            {
                round["c.after.p50"] = Math.Round(Num(Load(after)["rttNs"]!["p50"]) / 2, 3);
            }

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
            new("64 B stream (M msg/s)", M("ours.bw.msgps") / 1e6, M("ucx.bw.msgps") / 1e6, "UCX put_bw msg rate", 1.0),
            new("64 B stream (M msg/s)", M("ours.bw.msgps") / 1e6, 20, "target 20 M msg/s", 1.0),
            new("64 B stream, median block (M msg/s)", M("ours.bw.typical.msgps") / 1e6, M("ucx.bw.msgps") / 1e6, "UCX put_bw msg rate", null),
            new("64 B stream, median block (M msg/s)", M("ours.bw.typical.msgps") / 1e6, 20, "target 20 M msg/s", 1.0),
        };
        if (figures.ContainsKey("slot.bw.msgps"))
        {
            // What the same protocol streams in C: how much of our time is software path (a ratio over 1 is that part).
            rows.Insert(rows.FindIndex(row => row.BaselineName == "target 20 M msg/s"), new("64 B stream (M msg/s)", M("ours.bw.msgps") / 1e6, M("slot.bw.msgps") / 1e6, "slot-stream (C, the slot protocol)", null));
        }

        var sizes = new List<SizeFigures>();
        foreach (int size in s_otherSizes)
        {
            var at = new SizeFigures(
                size, M($"ours.s{size}.p50"), M($"ours.s{size}.p999"), M($"ucx.s{size}.p50"),
                M($"ours.s{size}.bw.msgps"), M($"ours.s{size}.bw.MBps"), M($"ucx.s{size}.bw.msgps"), M($"ucx.s{size}.bw.MBps"));
            if (at.Measured)
            {
                sizes.Add(at);
            }
        }

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
            ["ours"] = (lastOurs is null ? null : SizeRow(lastOurs, MainSize))?["percentiles"]?.DeepClone(),
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
        if (sizes.Count > 0)
        {
            report["otherSizes"] = new JsonObject(sizes.Select(f => KeyValuePair.Create(f.Size.ToString(Ic), (JsonNode?)f.ToJson())));
        }

        File.WriteAllText(Path.Combine(output, "compare.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        string table = Markdown(rows, rounds, command, commit, date, machine) + RoundsMarkdown(roundNodes) + OtherSizesMarkdown(sizes);
        File.WriteAllText(Path.Combine(output, "compare.md"), table);
        WriteData(Path.Combine(output, "compare-ours.dat"), distributions["ours"]);
        WriteData(Path.Combine(output, "compare-c-limit.dat"), distributions["cLimitRttHalf"]);
        WriteData(Path.Combine(output, "compare-ucx.dat"), distributions["ucx"]);
        WriteSizesData(Path.Combine(output, "compare-sizes.dat"), sizes, M("ours.p50"), M("ucx.p50"), M("c.p50"));
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

    /// <summary>Each round's 64 B one-way p50s side by side, with the C limit taken again after ours where the run did:
    /// the medians above are only as good as the rounds that make them.</summary>
    private static string RoundsMarkdown(JsonArray roundNodes)
    {
        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine("## Rounds");
        md.AppendLine();
        md.AppendLine("64 B one-way p50 of each round (ns), in the order measured: the C limit (RTT/2), UCX put_lat typical, ours, and the C limit again right after ours (where the run measured it). A round whose two C limit figures differ much ran across a change of the host's state.");
        md.AppendLine();
        md.AppendLine("| round | C limit | UCX put_lat | ours | C limit after | ours / C limit | ours / UCX |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (JsonNode? round in roundNodes)
        {
            double c = Num(round!["c.p50"]);
            double ucx = round["ucx.p50"] is JsonNode u ? Num(u) : double.NaN;
            double ours = Num(round["ours.p50"]);
            double cAfter = round["c.after.p50"] is JsonNode a ? Num(a) : double.NaN;
            md.AppendLine(Ic, $"| {round["round"]} | {Cell(c)} | {Cell(ucx)} | {Cell(ours)} | {Cell(cAfter)} | {Cell(ours / c, "0.00")} | {Cell(ours / ucx, "0.00")} |");
        }

        return md.ToString();
    }

    /// <summary>The second table: each other size, ours beside UCX at that size; empty when the run measured none.</summary>
    private static string OtherSizesMarkdown(List<SizeFigures> sizes)
    {
        if (sizes.Count == 0)
        {
            return "";
        }

        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine("## Other sizes");
        md.AppendLine();
        md.AppendLine("Medians of the same rounds, no targets (the issue sets them at 64 B). Latency ratio = our p50 / UCX put_lat typical; rate ratio = UCX put_bw msg/s / ours (below 1 is better). MB/s are 10^6 B/s of payload (UCX's MiB/s converted).");
        md.AppendLine();
        md.AppendLine("| size (B) | ours one-way p50 (ns) | ours one-way p99.9 (ns) | UCX put_lat typical (ns) | latency ratio | ours stream (M msg/s) | ours stream (MB/s) | UCX put_bw (M msg/s) | UCX put_bw (MB/s) | rate ratio |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (SizeFigures f in sizes)
        {
            md.AppendLine(Ic, $"| {f.Size} | {Cell(f.OursP50)} | {Cell(f.OursP999)} | {Cell(f.UcxP50)} | {Cell(f.LatencyRatio, "0.00")} | {Cell(f.OursMsgps / 1e6)} | {Cell(f.OursMBps)} | {Cell(f.UcxMsgps / 1e6)} | {Cell(f.UcxMBps)} | {Cell(f.RateRatio, "0.00")} |");
        }

        return md.ToString();
    }

    private static string Cell(double value, string format = "0.0##", string missing = "n/a") => double.IsNaN(value) ? missing : value.ToString(format, Ic);

    private static JsonNode? Rounded(double value) => double.IsNaN(value) ? null : Math.Round(value, 3);

    /// <summary>The data of compare-sizes.png: one-way p50 per size for ours and UCX put_lat, and the C limit's
    /// RTT/2 p50 (size-less: the same on every line, drawn as a level line); "?" where a figure is missing.</summary>
    private static void WriteSizesData(string path, List<SizeFigures> sizes, double oursMain, double ucxMain, double cLimit)
    {
        var points = sizes.Select(f => (f.Size, f.OursP50, f.UcxP50)).Append((MainSize, oursMain, ucxMain)).OrderBy(p => p.Item1);
        var text = new StringBuilder("# size_bytes ours_p50_ns ucx_put_lat_p50_ns c_limit_rtt_half_p50_ns\n");
        foreach ((int size, double ours, double ucx) in points)
        {
            text.AppendLine(Ic, $"{size} {Cell(ours, "0.###", "?")} {Cell(ucx, "0.###", "?")} {Cell(cLimit, "0.###", "?")}");
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>The results row of <paramref name="size"/> bytes in a `perf --json` file, or null.</summary>
    private static JsonNode? SizeRow(JsonNode file, int size) =>
        file["results"]?.AsArray().FirstOrDefault(row => row?["size"]?.GetValue<int>() == size);

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

    /// <summary>The message rate native/slot-stream printed ("... 55.0 M msg/s (...)").</summary>
    private static double SlotStreamRate(string path)
    {
        string text = File.ReadAllText(path);
        int end = text.IndexOf(" M msg/s", StringComparison.Ordinal);
        int start = end < 0 ? -1 : text.LastIndexOf(' ', end - 1) + 1;
        if (end < 0 || !double.TryParse(text.AsSpan(start, end - start), NumberStyles.Float, Ic, out double rate))
        {
            throw new InvalidOperationException($"{path}: no 'M msg/s' figure from slot-stream (did it fail? the file holds its output)");
        }

        return rate * 1e6;
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

    /// <summary>One other size's medians: ours beside UCX at the same size (NaN where the run has no such figure).</summary>
    private sealed record SizeFigures(int Size, double OursP50, double OursP999, double UcxP50, double OursMsgps, double OursMBps, double UcxMsgps, double UcxMBps)
    {
        public bool Measured => !(double.IsNaN(OursP50) && double.IsNaN(OursMsgps));

        public double LatencyRatio => OursP50 / UcxP50;

        public double RateRatio => UcxMsgps / OursMsgps;

        public JsonObject ToJson() => new()
        {
            ["oursOneWayP50Ns"] = Rounded(OursP50),
            ["oursOneWayP999Ns"] = Rounded(OursP999),
            ["ucxPutLatTypicalNs"] = Rounded(UcxP50),
            ["latencyRatio"] = Rounded(LatencyRatio),
            ["oursStreamMsgps"] = Rounded(OursMsgps),
            ["oursStreamMBps"] = Rounded(OursMBps),
            ["ucxPutBwMsgps"] = Rounded(UcxMsgps),
            ["ucxPutBwMBps"] = Rounded(UcxMBps),
            ["rateRatio"] = Rounded(RateRatio),
        };
    }

    private sealed record Row(string Figure, double Ours, double Baseline, string BaselineName, double? Target)
    {
        public bool IsRate => Figure.Contains("msg/s", StringComparison.Ordinal);

        public double Ratio => IsRate ? Baseline / Ours : Ours / Baseline;
    }
}
