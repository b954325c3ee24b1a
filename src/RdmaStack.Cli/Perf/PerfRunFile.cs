using System.Globalization;
using System.Text.Json;

namespace RdmaStack.Cli.Perf;

/// <summary>
/// A run file `rdmastack perf compare` reads: hw-lab/connectx/run.sh's run JSON ("results" are ours, "baseline"
/// perftest's, per test and size the medians over the rounds; "machine" the host facts of hostfacts.sh, "versions",
/// "plan"), or the JSON of `rdmastack perf --json` (one test, ours, and the machine it ran on). Both become rows of
/// figures under run.sh's names, and flat host facts ("kernel", "cpu.model", "nics.mlx5_0.fw_ver", ...).
/// </summary>
/// <param name="Path">Where it was read from.</param>
/// <param name="Kind">What it is, for the report.</param>
/// <param name="Rows">Its figures.</param>
/// <param name="Facts">Its host facts, flattened to dotted names.</param>
internal sealed record PerfRunFile(string Path, string Kind, IReadOnlyList<PerfRunRow> Rows, IReadOnlyDictionary<string, string> Facts)
{
    /// <summary>run.sh's tool name.</summary>
    public const string RunShTool = "hw-lab/connectx/run.sh";

    /// <summary>Facts that change on every run and say nothing about the host.</summary>
    private static readonly HashSet<string> s_volatile = ["date_utc", "fingerprint", "first_tcp_port", "server"];

    /// <summary>Reads and checks a run file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The run.</returns>
    /// <exception cref="InvalidDataException">It cannot be read, is not JSON, or is neither kind of run file; the
    /// message says which, and names the file.</exception>
    public static PerfRunFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{path}: cannot be read: {e.Message}", e);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            string? tool = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("tool", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return tool switch
            {
                RunShTool => FromRunSh(path, root),
                _ when tool?.StartsWith("rdmastack perf", StringComparison.Ordinal) == true => FromPerf(path, text),
                _ => throw new InvalidDataException($"{path}: neither a run.sh run file nor `rdmastack perf --json` output (its \"tool\" is {(tool is null ? "missing" : $"'{tool}'")})"),
            };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid run file: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{path}: not a valid run file: {e.Message}", e);
        }
    }

    private static PerfRunFile FromRunSh(string path, JsonElement root)
    {
        var rows = new List<PerfRunRow>();
        foreach ((string array, string implementation) in new[] { ("results", "ours"), ("baseline", "perftest") })
        {
            if (!root.TryGetProperty(array, out JsonElement list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{path}: a run.sh run file without its \"{array}\" array");
            }

            foreach (JsonElement row in list.EnumerateArray())
            {
                var figures = new Dictionary<string, double>();
                foreach (JsonProperty p in row.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Number && p.Name is not ("bytes" or "rounds" or "iterations"))
                    {
                        figures[p.Name] = p.Value.GetDouble();
                    }
                }

                rows.Add(new PerfRunRow(row.GetProperty("test").GetString()!, implementation, row.GetProperty("bytes").GetInt32(), figures));
            }
        }

        var facts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string property, string prefix) in new[] { ("machine", ""), ("versions", "versions."), ("plan", "plan.") })
        {
            if (root.TryGetProperty(property, out JsonElement element))
            {
                Flatten(element, prefix.TrimEnd('.'), facts);
            }
        }

        string status = root.TryGetProperty("status", out JsonElement s) ? s.ToString() : "?";
        string date = root.TryGetProperty("date_utc", out JsonElement d) ? d.ToString() : "?";
        return new PerfRunFile(path, $"run.sh {root.GetProperty("role")}, {date}, status {status}", rows, facts);
    }

    private static PerfRunFile FromPerf(string path, string text)
    {
        PerfReport report = JsonSerializer.Deserialize(text, PerfJsonContext.Default.PerfReport)
            ?? throw new InvalidDataException($"{path}: empty");
        if (report.Test is not ("write-lat" or "write-bw"))
        {
            throw new InvalidDataException($"{path}: `rdmastack perf --json` output of an unknown test '{report.Test}'");
        }

        bool latency = report.Test == "write-lat";
        var rows = report.Results.Select(r => new PerfRunRow(report.Test, "ours", r.Size, latency
            ? new Dictionary<string, double>
            {
                ["t_min_us"] = r.TMinNs / 1000,
                ["t_max_us"] = r.TMaxNs / 1000,
                ["t_typical_us"] = r.TTypicalNs / 1000,
                ["t_avg_us"] = r.TAvgNs / 1000,
                ["t_stdev_us"] = r.TStdevNs / 1000,
                ["p99_us"] = r.P99Ns / 1000,
                ["p999_us"] = r.P999Ns / 1000,
            }
            : new Dictionary<string, double>
            {
                ["bw_peak_mbps"] = TwoHostPerf.BandwidthPeak(r),
                ["bw_avg_mbps"] = TwoHostPerf.BandwidthAverage(r),
                ["msg_rate_mpps"] = r.MessagesPerSecond / 1e6,
            })).ToList();
        var facts = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["kernel"] = report.Machine.Kernel,
            ["cpu.model"] = report.Machine.Cpu,
            ["cores"] = report.Machine.Cores.ToString(CultureInfo.InvariantCulture),
            ["runtime"] = report.Machine.Runtime,
            ["isolation"] = report.Machine.Isolation,
            ["huge_pages"] = report.Machine.HugePages,
            ["commit"] = report.Commit,
            ["provider"] = report.Provider,
            ["cpus"] = report.Cpus,
            ["idle"] = report.Idle,
            ["queue"] = report.Queue,
        };
        return new PerfRunFile(path, $"rdmastack perf {report.Test}, {report.DateUtc}", rows, facts);
    }

    /// <summary>Every scalar under <paramref name="element"/> as "a.b.c" = value; an array of scalars is one
    /// comma-separated value, an array of objects is keyed by each one's "device" or "port" (else its index).
    /// The reasons beside unreadable values and the facts that change on every run are left out.</summary>
    private static void Flatten(JsonElement element, string name, IDictionary<string, string> facts)
    {
        string Join(string key) => name.Length == 0 ? key : $"{name}.{key}";
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    if (!p.Name.EndsWith("_reason", StringComparison.Ordinal) && !s_volatile.Contains(p.Name))
                    {
                        Flatten(p.Value, Join(p.Name), facts);
                    }
                }

                break;
            case JsonValueKind.Array when element.EnumerateArray().All(e => e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)):
                facts[name] = string.Join(',', element.EnumerateArray().Select(e => e.ToString()));
                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    string key = item.ValueKind == JsonValueKind.Object && (item.TryGetProperty("device", out JsonElement k) || item.TryGetProperty("port", out k))
                        ? k.ToString()
                        : index.ToString(CultureInfo.InvariantCulture);
                    Flatten(item, Join(key), facts);
                    index++;
                }

                break;
            case JsonValueKind.Null:
                facts[name] = "null";
                break;
            default:
                facts[name] = element.ToString();
                break;
        }
    }
}
