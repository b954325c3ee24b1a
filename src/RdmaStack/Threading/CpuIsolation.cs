using System.Globalization;
using System.Text;

namespace RdmaStack.Threading;

/// <summary>
/// Which CPUs the kernel keeps the scheduler (isolcpus) and the timer tick (nohz_full) off, read from
/// /sys/devices/system/cpu/isolated, /sys/devices/system/cpu/nohz_full and /proc/cmdline.
/// </summary>
/// <remarks>
/// A pinned hot thread shares its core with whatever the scheduler puts there unless the core is
/// isolated; <see cref="Describe"/> says so in one line per hot CPU so a benchmark report carries it.
/// </remarks>
internal sealed class CpuIsolation
{
    private CpuIsolation(IReadOnlyList<int> isolated, IReadOnlyList<int> nohzFull, string? isolcpusArgument, string? nohzFullArgument, string? problem)
    {
        Isolated = isolated;
        NohzFull = nohzFull;
        IsolcpusArgument = isolcpusArgument;
        NohzFullArgument = nohzFullArgument;
        Problem = problem;
    }

    /// <summary>CPUs the scheduler keeps ordinary tasks off (the kernel's isolated list).</summary>
    public IReadOnlyList<int> Isolated { get; }

    /// <summary>CPUs running without the periodic timer tick when they have one task (nohz_full).</summary>
    public IReadOnlyList<int> NohzFull { get; }

    /// <summary>The isolcpus= value on the kernel command line, or null.</summary>
    public string? IsolcpusArgument { get; }

    /// <summary>The nohz_full= value on the kernel command line, or null.</summary>
    public string? NohzFullArgument { get; }

    /// <summary>Why part of the information could not be read (e.g. a malformed list), or null.</summary>
    public string? Problem { get; }

    /// <summary>Reads this machine's settings (missing files count as "nothing isolated").</summary>
    /// <returns>The settings.</returns>
    public static CpuIsolation Detect() => Parse(
        SystemFiles.ReadOrNull("/sys/devices/system/cpu/isolated"),
        SystemFiles.ReadOrNull("/sys/devices/system/cpu/nohz_full"),
        SystemFiles.ReadOrNull("/proc/cmdline"));

    /// <summary>Builds the report from the text of the three files (null: the file does not exist).</summary>
    /// <param name="isolatedText">Contents of /sys/devices/system/cpu/isolated.</param>
    /// <param name="nohzFullText">Contents of /sys/devices/system/cpu/nohz_full.</param>
    /// <param name="commandLine">Contents of /proc/cmdline.</param>
    /// <returns>The settings; a malformed list is reported in <see cref="Problem"/>, not thrown.</returns>
    public static CpuIsolation Parse(string? isolatedText, string? nohzFullText, string? commandLine)
    {
        string? isolcpus = Argument(commandLine, "isolcpus");
        string? nohz = Argument(commandLine, "nohz_full");
        var problems = new List<string>();
        IReadOnlyList<int> isolated = TryList(isolatedText, "isolated", problems);
        IReadOnlyList<int> nohzFull = TryList(nohzFullText, "nohz_full", problems);
        return new CpuIsolation(isolated, nohzFull, isolcpus, nohz, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    /// <summary>One line on how well <paramref name="hotCpus"/> are kept for the hot threads.</summary>
    /// <param name="hotCpus">The CPUs the hot threads are pinned to.</param>
    /// <returns>E.g. "CPUs 0,1: not isolated (no isolcpus= on the kernel command line), timer tick on (no nohz_full=): the OS may run housekeeping there".</returns>
    public string Describe(IReadOnlyList<int> hotCpus)
    {
        ArgumentNullException.ThrowIfNull(hotCpus);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"CPUs {CpuList.Format(hotCpus)}: ");
        int[] notIsolated = [.. hotCpus.Where(c => !Isolated.Contains(c))];
        int[] ticking = [.. hotCpus.Where(c => !NohzFull.Contains(c))];
        AppendState(text, notIsolated, "isolated", "not isolated", "isolcpus", IsolcpusArgument, "no isolcpus= on the kernel command line");
        text.Append(", ");
        AppendState(text, ticking, "tickless (nohz_full)", null, "nohz_full", NohzFullArgument, "no nohz_full=");
        if (notIsolated.Length > 0 || ticking.Length > 0)
        {
            text.Append(": the OS may run other work there");
        }

        if (Problem is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" [{Problem}]");
        }

        return text.ToString();
    }

    /// <summary>"isolated" when no hot CPU lacks the setting, else "0-1 not isolated (isolcpus=...)" or
    /// "timer tick on 0-1 (...)".</summary>
    private static void AppendState(StringBuilder text, int[] lacking, string allHave, string? lackingSuffix, string argument, string? value, string noArgument)
    {
        if (lacking.Length == 0)
        {
            text.Append(allHave);
            return;
        }

        text.Append(lackingSuffix is null ? $"timer tick on {CpuList.Format(lacking)} (" : $"{CpuList.Format(lacking)} {lackingSuffix} (");
        text.Append(value is null ? noArgument : $"{argument}={value}");
        text.Append(')');
    }

    private static IReadOnlyList<int> TryList(string? text, string what, List<string> problems)
    {
        try
        {
            return CpuList.Parse(text);
        }
        catch (FormatException e)
        {
            problems.Add($"{what}: {e.Message}");
            return [];
        }
    }

    /// <summary>The value of name=value on a kernel command line (the last one wins, as in the kernel).</summary>
    private static string? Argument(string? commandLine, string name)
    {
        if (commandLine is null)
        {
            return null;
        }

        string? value = null;
        foreach (string token in commandLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (token == "--")
            {
                break; // what follows goes to init, not to the kernel
            }

            if (token.StartsWith(name + "=", StringComparison.Ordinal))
            {
                value = token[(name.Length + 1)..];
            }
        }

        return value;
    }
}
