using System.Globalization;

namespace RdmaStack.Soak;

/// <summary>
/// The growth the soak tolerates, stated once. The baseline is the median of the samples of the second tenth of the
/// run (after the start-up has settled), the end the median of the last tenth; the run fails when the end is above the
/// baseline by more than the bound, or when the stream lost, duplicated or reordered a message, or when anything of the
/// soak's is left in the shared-memory folder after it closed.
/// </summary>
internal static class SoakBounds
{
    /// <summary>Resident memory may grow by this much (MiB): the JIT, pools and caches still settling.</summary>
    public const double RssGrowthMiB = 64;

    /// <summary>The managed heap may grow by this much (MiB).</summary>
    public const double HeapGrowthMiB = 16;

    /// <summary>Open descriptors may grow by this many (a connection being re-established at the sample's moment holds a
    /// few sockets and mappings).</summary>
    public const int DescriptorGrowth = 12;

    /// <summary>Threads may grow by this many (a dialer or a handshake in progress).</summary>
    public const int ThreadGrowth = 6;

    /// <summary>Entries of the soak in the shared-memory folder, at any sample: two links, each at most a ring, a control
    /// block and an endpoint file per stream while a connection is being made, and a connection being replaced.</summary>
    public const int MaxShmEntries = 12;

    /// <summary>Gen-2 collections per minute at the end may exceed the baseline's rate by this many.</summary>
    public const double Gen2PerMinuteGrowth = 2;

    /// <summary>Every broken bound, in words (empty: passed).</summary>
    public static List<string> Check(IReadOnlyList<SoakSample> samples, long lost, long duplicated, long outOfOrder, int shmLeftAfterClose)
    {
        var failures = new List<string>();
        var ic = CultureInfo.InvariantCulture;
        if (lost != 0 || duplicated != 0 || outOfOrder != 0)
        {
            failures.Add(string.Create(ic, $"stream: lost {lost}, duplicated {duplicated}, out of order {outOfOrder} (all must be 0)"));
        }

        if (shmLeftAfterClose != 0)
        {
            failures.Add(string.Create(ic, $"/dev/shm: {shmLeftAfterClose} entries of the soak left after it closed (must be 0)"));
        }

        int peakShm = samples.Count == 0 ? 0 : samples.Max(s => s.ShmEntries);
        if (peakShm > MaxShmEntries)
        {
            failures.Add(string.Create(ic, $"/dev/shm: {peakShm} entries of the soak at once, over the {MaxShmEntries} bound"));
        }

        if (samples.Count < 20)
        {
            failures.Add(string.Create(ic, $"only {samples.Count} samples: too few to judge growth (a run needs at least 20)"));
            return failures;
        }

        IReadOnlyList<SoakSample> baseline = Tenth(samples, 1), end = Tenth(samples, 9);
        Grow(failures, "resident memory (MiB)", Median(baseline, s => s.RssBytes / 1048576.0), Median(end, s => s.RssBytes / 1048576.0), RssGrowthMiB);
        Grow(failures, "managed heap (MiB)", Median(baseline, s => s.ManagedHeapBytes / 1048576.0), Median(end, s => s.ManagedHeapBytes / 1048576.0), HeapGrowthMiB);
        Grow(failures, "open descriptors", Median(baseline, s => s.OpenDescriptors), Median(end, s => s.OpenDescriptors), DescriptorGrowth);
        Grow(failures, "threads", Median(baseline, s => s.Threads), Median(end, s => s.Threads), ThreadGrowth);
        Grow(failures, "gen-2 collections per minute", Gen2PerMinute(baseline), Gen2PerMinute(end), Gen2PerMinuteGrowth);
        return failures;
    }

    /// <summary>Baseline and end of one quantity, for the summary.</summary>
    public static (double Baseline, double End) Compare(IReadOnlyList<SoakSample> samples, Func<SoakSample, double> value) =>
        samples.Count < 20 ? (double.NaN, double.NaN) : (Median(Tenth(samples, 1), value), Median(Tenth(samples, 9), value));

    private static void Grow(List<string> failures, string what, double baseline, double end, double bound)
    {
        if (end - baseline > bound)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: {baseline:0.##} -> {end:0.##}, growth {end - baseline:0.##} over the bound {bound:0.##}"));
        }
    }

    private static IReadOnlyList<SoakSample> Tenth(IReadOnlyList<SoakSample> samples, int which)
    {
        int from = samples.Count * which / 10, to = Math.Max(from + 1, samples.Count * (which + 1) / 10);
        return [.. samples.Skip(from).Take(to - from)];
    }

    private static double Median(IReadOnlyList<SoakSample> samples, Func<SoakSample, double> value)
    {
        double[] v = [.. samples.Select(value).Order()];
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static double Gen2PerMinute(IReadOnlyList<SoakSample> window)
    {
        double minutes = (window[^1].Seconds - window[0].Seconds) / 60;
        return minutes <= 0 ? 0 : (window[^1].Gen2Collections - window[0].Gen2Collections) / minutes;
    }
}
