using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RdmaStack.Soak;

/// <summary>Writes the samples (samples.csv, samples.json), the summary (summary.json) and prints the verdict.</summary>
internal static class SoakReport
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Write(SoakOptions options, IReadOnlyList<SoakSample> samples, IReadOnlyList<string> failures, SoakTotals totals, TextWriter console)
    {
        var ic = CultureInfo.InvariantCulture;
        var csv = new StringBuilder("seconds,rss_mib,heap_mib,fds,threads,shm,gen0,gen1,gen2,sent,delivered,faults,failovers,reconnections,p50_us,p99_us,p999_us,max_us\n");
        foreach (SoakSample s in samples)
        {
            csv.AppendLine(string.Create(ic, $"{s.Seconds:0.###},{s.RssBytes / 1048576.0:0.###},{s.ManagedHeapBytes / 1048576.0:0.###},{s.OpenDescriptors},{s.Threads},{s.ShmEntries},{s.Gen0Collections},{s.Gen1Collections},{s.Gen2Collections},{s.Sent},{s.Delivered},{s.Faults},{s.Failovers},{s.Reconnections},{s.LatencyP50Us:0.###},{s.LatencyP99Us:0.###},{s.LatencyP999Us:0.###},{s.LatencyMaxUs:0.###}"));
        }

        File.WriteAllText(Path.Combine(options.Output, "samples.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(options.Output, "samples.json"), JsonSerializer.Serialize(samples, s_json));
        (double rss0, double rss1) = SoakBounds.Compare(samples, s => s.RssBytes / 1048576.0);
        (double heap0, double heap1) = SoakBounds.Compare(samples, s => s.ManagedHeapBytes / 1048576.0);
        (double fd0, double fd1) = SoakBounds.Compare(samples, s => s.OpenDescriptors);
        (double th0, double th1) = SoakBounds.Compare(samples, s => s.Threads);
        (double p99a, double p99b) = SoakBounds.Compare(samples, s => s.LatencyP99Us);
        var summary = new Dictionary<string, object?>
        {
            ["minutes"] = totals.Seconds / 60,
            ["rate"] = options.Rate,
            ["samples"] = samples.Count,
            ["totals"] = totals,
            ["bounds"] = new Dictionary<string, double>
            {
                ["rss_growth_mib"] = SoakBounds.RssGrowthMiB,
                ["heap_growth_mib"] = SoakBounds.HeapGrowthMiB,
                ["descriptor_growth"] = SoakBounds.DescriptorGrowth,
                ["thread_growth"] = SoakBounds.ThreadGrowth,
                ["max_shm_entries"] = SoakBounds.MaxShmEntries,
                ["gen2_per_minute_growth"] = SoakBounds.Gen2PerMinuteGrowth,
            },
            ["baseline_vs_end"] = new Dictionary<string, double[]>
            {
                ["rss_mib"] = [rss0, rss1],
                ["heap_mib"] = [heap0, heap1],
                ["fds"] = [fd0, fd1],
                ["threads"] = [th0, th1],
                ["latency_p99_us"] = [p99a, p99b],
            },
            ["failures"] = failures,
            ["passed"] = failures.Count == 0,
        };
        File.WriteAllText(Path.Combine(options.Output, "summary.json"), JsonSerializer.Serialize(summary, s_json));

        console.WriteLine(string.Create(ic, $"stream     {totals.Delivered:N0} of {totals.Sent:N0} delivered in {totals.Seconds / 60:0.0} min: lost {totals.Lost}, duplicated {totals.Duplicated}, out of order {totals.OutOfOrder}"));
        console.WriteLine(string.Create(ic, $"faults     {totals.Faults:N0} injected; failovers {totals.Failovers:N0}; links re-established {totals.Reconnections:N0}"));
        console.WriteLine(string.Create(ic, $"resources  (median of the 2nd tenth -> median of the last tenth) rss {rss0:0.0} -> {rss1:0.0} MiB (bound +{SoakBounds.RssGrowthMiB}), heap {heap0:0.0} -> {heap1:0.0} MiB (+{SoakBounds.HeapGrowthMiB}), fds {fd0:0} -> {fd1:0} (+{SoakBounds.DescriptorGrowth}), threads {th0:0} -> {th1:0} (+{SoakBounds.ThreadGrowth})"));
        console.WriteLine(string.Create(ic, $"           /dev/shm: at most {(samples.Count == 0 ? 0 : samples.Max(s => s.ShmEntries))} entries of the soak at a sample (bound {SoakBounds.MaxShmEntries}), {totals.ShmLeftAfterClose} left after closing; gen-2 collections {(samples.Count == 0 ? 0 : samples[^1].Gen2Collections)}"));
        console.WriteLine(string.Create(ic, $"latency    one-way p99 per sample, median {p99a:0.0} us (2nd tenth) -> {p99b:0.0} us (last tenth); reported, not bounded (the host is shared)"));
        console.WriteLine(failures.Count == 0 ? "result     PASS" : "result     FAIL: " + string.Join("; ", failures));
        console.WriteLine($"samples    {Path.Combine(options.Output, "samples.csv")}, samples.json, summary.json");
    }
}
