using System.Globalization;

namespace RdmaStack.Cli.Perf;

/// <summary>
/// `rdmastack perf compare A.json B.json`: what moved between two runs. Per test, implementation and size found in
/// both, the figures that matter (write-lat: t_typical, p99 and p99.9, lower is better; write-bw: BW average and
/// message rate, higher is better) with A, B and the change in %, each move beyond the threshold flagged as better or
/// worse; then the rows only one run has, and the host facts that differ (kernel, firmware, CPU, governor, ...).
/// </summary>
internal static class PerfCompare
{
    /// <summary>The default threshold, in %.</summary>
    public const double DefaultThreshold = 5;

    /// <summary>The figures compared per test, and whether lower is better.</summary>
    private static readonly (string Test, string Figure, bool LowerIsBetter)[] s_figures =
    [
        ("write-lat", "t_typical_us", true),
        ("write-lat", "p99_us", true),
        ("write-lat", "p999_us", true),
        ("write-bw", "bw_avg_mbps", false),
        ("write-bw", "msg_rate_mpps", false),
    ];

    /// <summary>Compares two run files and prints the result.</summary>
    /// <param name="a">The earlier run (the reference).</param>
    /// <param name="b">The later run.</param>
    /// <param name="threshold">A change beyond this many % is flagged.</param>
    /// <param name="console">Where.</param>
    /// <returns>0.</returns>
    public static int Run(PerfRunFile a, PerfRunFile b, double threshold, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(console);
        var ic = CultureInfo.InvariantCulture;
        console.WriteLine("rdmastack perf compare");
        console.WriteLine($"  A  {a.Path}  ({a.Kind})");
        console.WriteLine($"  B  {b.Path}  ({b.Kind})");
        console.WriteLine(string.Create(ic, $"  change = (B - A) / A; beyond {threshold:0.###} % it is flagged (latency: lower is better; bandwidth, message rate: higher is better)"));
        console.WriteLine();
        console.WriteLine($"  {"test",-10} {"impl",-9} {"bytes",7}  {"figure",-14} {"A",12} {"B",12} {"change",10}");
        var byKey = b.Rows.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last());
        int compared = 0;
        int better = 0;
        int worse = 0;
        foreach (PerfRunRow rowA in a.Rows.DistinctBy(r => r.Key).OrderBy(r => r.Test, StringComparer.Ordinal).ThenBy(r => r.Implementation, StringComparer.Ordinal).ThenBy(r => r.Bytes))
        {
            if (!byKey.TryGetValue(rowA.Key, out PerfRunRow? rowB))
            {
                continue;
            }

            foreach ((_, string figure, bool lowerIsBetter) in s_figures.Where(f => f.Test == rowA.Test))
            {
                if (!rowA.Figures.TryGetValue(figure, out double valueA) || !rowB.Figures.TryGetValue(figure, out double valueB))
                {
                    continue;
                }

                compared++;
                string change = "n/a";
                string flag = "";
                if (valueA != 0)
                {
                    double percent = (valueB - valueA) / valueA * 100;
                    change = string.Create(ic, $"{percent:+0.0;-0.0;0.0} %");
                    if (Math.Abs(percent) > threshold)
                    {
                        bool improved = lowerIsBetter ? percent < 0 : percent > 0;
                        flag = improved ? "  better" : "  WORSE";
                        better += improved ? 1 : 0;
                        worse += improved ? 0 : 1;
                    }
                }

                console.WriteLine(string.Create(ic, $"  {rowA.Test,-10} {rowA.Implementation,-9} {rowA.Bytes,7}  {figure,-14} {Number(valueA),12} {Number(valueB),12} {change,10}{flag}"));
            }
        }

        console.WriteLine(compared == 0
            ? "  (no figure of a test, implementation and size that both runs have)"
            : string.Create(ic, $"moved beyond {threshold:0.###} %: {worse} worse, {better} better, of {compared} figures"));
        OnlyIn(console, "A", a, b);
        OnlyIn(console, "B", b, a);
        Facts(console, a, b);
        return 0;
    }

    private static void OnlyIn(TextWriter console, string label, PerfRunFile run, PerfRunFile other)
    {
        var otherKeys = other.Rows.Select(r => r.Key).ToHashSet();
        string[] only = [.. run.Rows.Select(r => r.Key).Distinct().Where(k => !otherKeys.Contains(k)).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Test} {k.Implementation} {k.Bytes} B"))];
        if (only.Length > 0)
        {
            console.WriteLine($"only in {label}: {string.Join(", ", only)}");
        }
    }

    private static void Facts(TextWriter console, PerfRunFile a, PerfRunFile b)
    {
        string[] differ = [.. a.Facts.Keys.Where(k => b.Facts.TryGetValue(k, out string? v) && v != a.Facts[k]).Order(StringComparer.Ordinal)];
        int onlyA = a.Facts.Keys.Count(k => !b.Facts.ContainsKey(k));
        int onlyB = b.Facts.Keys.Count(k => !a.Facts.ContainsKey(k));
        int same = a.Facts.Count - differ.Length - onlyA;
        console.WriteLine();
        console.WriteLine(differ.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"host facts: the {same} both runs record are the same")
            : string.Create(CultureInfo.InvariantCulture, $"host facts that differ ({differ.Length}; {same} the same):"));
        int width = differ.Length == 0 ? 0 : Math.Min(40, differ.Max(k => k.Length));
        foreach (string key in differ)
        {
            console.WriteLine($"  {key.PadRight(width)}  A: {a.Facts[key]}");
            console.WriteLine($"  {new string(' ', width)}  B: {b.Facts[key]}");
        }

        if (onlyA + onlyB > 0)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ({onlyA} facts only A records, {onlyB} only B: the files are of different kinds or hosts)"));
        }
    }

    private static string Number(double value) => value.ToString(Math.Abs(value) >= 1000 ? "0.0" : "0.000", CultureInfo.InvariantCulture);
}
