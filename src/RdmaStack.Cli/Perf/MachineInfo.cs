using System.Diagnostics;
using System.Runtime.InteropServices;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>The machine a result was measured on, for the JSON file.</summary>
internal sealed record MachineInfo
{
    public string Cpu { get; init; } = "";

    public int Cores { get; init; }

    public string Kernel { get; init; } = "";

    public string Runtime { get; init; } = "";

    public string Isolation { get; init; } = "";

    public string HugePages { get; init; } = "";

    /// <summary>Reads this machine's description.</summary>
    public static MachineInfo Detect(IReadOnlyList<int>? cpus) => new()
    {
        Cpu = CpuModel(),
        Cores = Environment.ProcessorCount,
        Kernel = ReadLine("/proc/sys/kernel/osrelease") ?? RuntimeInformation.OSDescription,
        Runtime = RuntimeInformation.FrameworkDescription,
        Isolation = CpuAffinity.DescribeIsolation(cpus ?? [.. Enumerable.Range(0, Environment.ProcessorCount)]),
        HugePages = MemoryLock.DescribeHugePages(),
    };

    /// <summary>The commit the binaries were built from (git describe --always --dirty), or "unknown".</summary>
    public static string GitCommit()
    {
        try
        {
            var info = new ProcessStartInfo("git", ["describe", "--always", "--dirty", "--abbrev=12"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            using Process git = Process.Start(info)!;
            string output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && output.Length > 0 ? output : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (no git)";
        }
    }

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string? ReadLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
