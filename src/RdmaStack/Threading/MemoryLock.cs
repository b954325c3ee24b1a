using System.Globalization;
using RdmaStack.Native;

namespace RdmaStack.Threading;

/// <summary>
/// Locks the process's memory into RAM (mlockall MCL_CURRENT | MCL_FUTURE) so no page of a ring, a
/// stack or the heap is ever paged out under a hot thread.
/// </summary>
public static class MemoryLock
{
    /// <summary>Locks current and future pages. Does not throw for a refusal the system is entitled to:
    /// the result says why (RLIMIT_MEMLOCK too small, no CAP_IPC_LOCK) and what to change.</summary>
    /// <returns>Whether the lock took, and a one-line explanation either way.</returns>
    public static MemoryLockResult LockAll()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new MemoryLockResult(false, "mlockall: only on Linux; memory stays pageable.");
        }

        if (LibC.MLockAll(LibC.MclCurrent | LibC.MclFuture) == 0)
        {
            return new MemoryLockResult(true, "mlockall(MCL_CURRENT|MCL_FUTURE): memory locked.");
        }

        string error = LibC.LastErrorText();
        return new MemoryLockResult(false, string.Create(
            CultureInfo.InvariantCulture,
            $"mlockall(MCL_CURRENT|MCL_FUTURE) failed ({error}); memory stays pageable. Raise the locked-memory limit (ulimit -l unlimited, memlock in /etc/security/limits.conf; it is {LockedLimit()} now) or grant CAP_IPC_LOCK."));
    }

    /// <summary>Undoes <see cref="LockAll"/>.</summary>
    /// <returns>True when the pages were unlocked.</returns>
    public static bool UnlockAll() => OperatingSystem.IsLinux() && LibC.MUnlockAll() == 0;

    private static string LockedLimit()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max locked memory", StringComparison.Ordinal))
                {
                    return string.Join(' ', line["Max locked memory".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }
        catch (IOException)
        {
        }

        return "unknown";
    }
}
