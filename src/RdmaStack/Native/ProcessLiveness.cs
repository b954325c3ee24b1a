using System.Diagnostics;

namespace RdmaStack.Native;

/// <summary>Whether the process that wrote a file (a shared mapping, an endpoint file) is still running.</summary>
internal static class ProcessLiveness
{
    /// <summary>True if a process with id <paramref name="pid"/> runs (on Linux: /proc/PID exists).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            return Directory.Exists($"/proc/{pid}");
        }

        try
        {
            using Process p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
