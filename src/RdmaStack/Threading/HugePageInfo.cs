using System.Globalization;

namespace RdmaStack.Threading;

/// <summary>
/// The huge pages this machine offers: the reserved hugetlb pool (/proc/meminfo HugePages_*) and the
/// transparent huge page mode (/sys/kernel/mm/transparent_hugepage/enabled).
/// </summary>
/// <param name="TotalPages">Reserved huge pages (HugePages_Total).</param>
/// <param name="FreePages">Of those, free (HugePages_Free).</param>
/// <param name="PageSizeBytes">Size of one huge page (Hugepagesize), 0 if unknown.</param>
/// <param name="TransparentMode">The selected THP mode ("always", "madvise", "never"), or null if unknown.</param>
internal sealed record HugePageInfo(long TotalPages, long FreePages, long PageSizeBytes, string? TransparentMode)
{
    /// <summary>Reads this machine's huge page settings.</summary>
    /// <returns>The settings (zeros and null where the files do not exist).</returns>
    public static HugePageInfo Detect() => Parse(
        SystemFiles.ReadOrNull("/proc/meminfo"),
        SystemFiles.ReadOrNull("/sys/kernel/mm/transparent_hugepage/enabled")) with
    {
        SharedMemoryMode = SelectedMode(SystemFiles.ReadOrNull("/sys/kernel/mm/transparent_hugepage/shmem_enabled")),
    };

    /// <summary>The THP mode for shared memory (tmpfs, so the /dev/shm rings of the shared-memory provider):
    /// "always", "within_size", "advise", "never", "deny" or "force"; null if unknown.</summary>
    public string? SharedMemoryMode { get; init; }

    /// <summary>Builds the settings from the text of /proc/meminfo and the THP "enabled" file.</summary>
    /// <param name="meminfo">Contents of /proc/meminfo, or null.</param>
    /// <param name="transparentEnabled">Contents of transparent_hugepage/enabled ("always [madvise] never"), or null.</param>
    /// <returns>The settings.</returns>
    public static HugePageInfo Parse(string? meminfo, string? transparentEnabled)
    {
        long total = 0, free = 0, size = 0;
        foreach (string line in (meminfo ?? string.Empty).Split('\n'))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                continue;
            }

            switch (parts[0])
            {
                case "HugePages_Total:":
                    total = value;
                    break;
                case "HugePages_Free:":
                    free = value;
                    break;
                case "Hugepagesize:":
                    size = parts.Length > 2 && parts[2] == "kB" ? value * 1024 : value;
                    break;
            }
        }

        return new HugePageInfo(total, free, size, SelectedMode(transparentEnabled));
    }

    /// <summary>The bracketed choice of a sysfs mode file ("always [madvise] never" gives "madvise").</summary>
    /// <param name="text">The file's text, or null.</param>
    /// <returns>The selected mode, or null.</returns>
    public static string? SelectedMode(string? text)
    {
        if (text is null)
        {
            return null;
        }

        int open = text.IndexOf('[', StringComparison.Ordinal);
        int close = text.IndexOf(']', StringComparison.Ordinal);
        return open >= 0 && close > open ? text[(open + 1)..close] : null;
    }

    /// <summary>Whether <paramref name="length"/> bytes fit in free reserved huge pages.</summary>
    /// <param name="length">Bytes wanted.</param>
    /// <returns>True when the hugetlb pool can back them.</returns>
    public bool CanReserve(long length) => PageSizeBytes > 0 && FreePages * PageSizeBytes >= length;

    /// <summary>One line for a report.</summary>
    /// <returns>E.g. "huge pages: none reserved (HugePages_Total 0, 2048 kB each); transparent huge pages: madvise".</returns>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"huge pages: {(TotalPages == 0 ? "none reserved" : $"{FreePages} of {TotalPages} free")} (HugePages_Total {TotalPages}, {PageSizeBytes / 1024} kB each); transparent huge pages: {TransparentMode ?? "unknown"}{(SharedMemoryMode is null ? "" : $"; for /dev/shm rings: {SharedMemoryMode}{(SharedMemoryMode is "never" or "deny" ? " (shared-memory rings stay on 4 KiB pages)" : "")}")}");
}
