using System.Globalization;

namespace RdmaStack.Soak;

/// <summary>What Linux says about this process: resident memory (/proc/self/status VmRSS), open descriptors
/// (/proc/self/fd), threads (/proc/self/task), and the soak's own entries in the shared-memory folder.</summary>
internal static class ProcessProbe
{
    public static long ResidentBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("/proc/self/status has no VmRSS line");
    }

    public static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    public static int Threads() => Directory.GetDirectories("/proc/self/task").Length;

    /// <summary>Entries of the shared-memory folder that belong to streams whose names start with <paramref name="prefix"/>
    /// (mappings and endpoint files); other programs' entries are not counted.</summary>
    public static int SharedMemoryEntries(string directory, string prefix) =>
        Directory.GetFileSystemEntries(directory).Count(p => Path.GetFileName(p).Contains(prefix, StringComparison.Ordinal));
}
