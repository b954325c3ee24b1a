using System.Globalization;
using System.Text;

namespace RdmaStack.Threading;

/// <summary>The kernel's CPU list format ("0-3,8,10-11"), as in /sys/devices/system/cpu/isolated,
/// isolcpus= and taskset -c.</summary>
internal static class CpuList
{
    /// <summary>The largest CPU number accepted (the kernel's default CONFIG_NR_CPUS bound).</summary>
    public const int MaxCpu = 8191;

    /// <summary>Parses a CPU list; blank text is the empty list.</summary>
    /// <param name="text">"0-3,8" style text; spaces and a trailing newline are ignored.</param>
    /// <returns>The CPUs, ascending, without duplicates.</returns>
    /// <exception cref="FormatException">The text is not a CPU list; the message quotes the bad part.</exception>
    public static IReadOnlyList<int> Parse(string? text)
    {
        var cpus = new SortedSet<int>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        foreach (string rawPart in text.Trim().Split(',', StringSplitOptions.TrimEntries))
        {
            string part = rawPart;
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            int first, last;
            if (dash < 0)
            {
                first = last = ParseCpu(part, text);
            }
            else
            {
                first = ParseCpu(part[..dash], text);
                last = ParseCpu(part[(dash + 1)..], text);
                if (last < first)
                {
                    throw new FormatException($"CPU list '{text.Trim()}': range '{part}' runs backwards.");
                }
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return [.. cpus];
    }

    /// <summary>Formats CPUs in the kernel's list format, collapsing runs ("0-3,8").</summary>
    /// <param name="cpus">The CPUs, in any order.</param>
    /// <returns>The list text; empty for no CPUs.</returns>
    public static string Format(IEnumerable<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        int[] sorted = [.. new SortedSet<int>(cpus)];
        var text = new StringBuilder();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(CultureInfo.InvariantCulture, $"{sorted[i]}");
            if (j > i)
            {
                text.Append(CultureInfo.InvariantCulture, $"-{sorted[j]}");
            }

            i = j + 1;
        }

        return text.ToString();
    }

    private static int ParseCpu(string value, string whole)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int cpu) || cpu > MaxCpu)
        {
            throw new FormatException($"CPU list '{whole.Trim()}': '{value}' is not a CPU number (0 to {MaxCpu}).");
        }

        return cpu;
    }
}
