using System.Globalization;
using RdmaStack.Native;

namespace RdmaStack.Threading;

/// <summary>
/// Locks the process's memory into RAM (mlockall MCL_CURRENT | MCL_FUTURE) so no page of a ring, a
/// stack or the heap is ever paged out under a hot thread.
/// </summary>
public static class MemoryLock
{
    /// <summary>Locks every page of the process into memory (mlockall(MCL_CURRENT|MCL_FUTURE)), so that no page of a
    /// ring or a hot thread's stack is ever paged out or faulted in on the message path. Does not throw for a refusal
    /// the system is entitled to: the message says why (RLIMIT_MEMLOCK too small, no CAP_IPC_LOCK) and what to change.</summary>
    /// <param name="message">What happened, in one line: locked, or why not and how to allow it.</param>
    /// <returns>True if memory is locked.</returns>
    public static bool TryLockAll(out string message)
    {
        MemoryLockResult result = LockAll();
        message = result.Message;
        return result.Locked;
    }

    /// <summary>The huge pages this machine offers, in one line for a run's report: the reserved hugetlb pool
    /// (/proc/meminfo) and the transparent huge page modes for anonymous and shared memory.</summary>
    /// <returns>For example "huge pages: none reserved (HugePages_Total 0, 2048 kB each); transparent huge pages: madvise; ...".</returns>
    public static string DescribeHugePages() => HugePageInfo.Detect().Describe();

    /// <summary>As <see cref="TryLockAll"/>, both answers in one record.</summary>
    internal static MemoryLockResult LockAll()
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
