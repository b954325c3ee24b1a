using RdmaStack.Native;

namespace RdmaStack.Threading;

/// <summary>
/// Pins the calling thread to CPUs of its own (US 2017/0235600: hot threads on dedicated cores, the
/// OS and housekeeping elsewhere), through sched_setaffinity(2).
/// </summary>
/// <remarks>
/// A .NET thread is one kernel thread on Linux, so the affinity set here stays with the thread for its
/// life. Call it at the start of the hot thread, before the poll loop; it is a system call and never
/// belongs on the data path. Linux only: elsewhere the calls throw <see cref="PlatformNotSupportedException"/>.
/// </remarks>
public static unsafe class CpuAffinity
{
    // 1024 CPUs, the size glibc's cpu_set_t has; enough for every machine this runs on.
    private const int MaskWords = 16;

    /// <summary>Parses a CPU list in the kernel's format ("0-3,8,10-11").</summary>
    /// <param name="text">The list.</param>
    /// <returns>The CPUs, ascending, without repeats.</returns>
    /// <exception cref="FormatException">Not a CPU list; the message quotes the bad part.</exception>
    public static IReadOnlyList<int> ParseCpuList(string text) => CpuList.Parse(text);

    /// <summary>Formats CPUs in the kernel's list format ("0-3,8,10-11").</summary>
    /// <param name="cpus">The CPUs.</param>
    /// <returns>The list.</returns>
    public static string FormatCpuList(IEnumerable<int> cpus) => CpuList.Format(cpus);

    /// <summary>Whether thread pinning is available here (Linux).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Whether the kernel keeps the scheduler (isolcpus) and the timer tick (nohz_full) off the hot CPUs, in one
    /// line for a run's report, with what to add to the kernel command line where they are not isolated.</summary>
    /// <param name="hotCpus">The CPUs the hot threads run on.</param>
    /// <returns>The description (read from /sys/devices/system/cpu/isolated, nohz_full and /proc/cmdline).</returns>
    public static string DescribeIsolation(IReadOnlyList<int> hotCpus) => CpuIsolation.Detect().Describe(hotCpus);

    /// <summary>Pins the calling thread to one CPU.</summary>
    /// <param name="cpu">The CPU number (see <see cref="Environment.ProcessorCount"/> and /sys/devices/system/cpu/online).</param>
    /// <exception cref="ArgumentOutOfRangeException">The number is negative or beyond the mask.</exception>
    /// <exception cref="CpuAffinityException">The kernel refused (e.g. EINVAL: the CPU is offline or outside this process's cpuset).</exception>
    public static void PinCurrentThread(int cpu) => SetCurrentThreadAffinity([cpu]);

    /// <summary>Restricts the calling thread to a set of CPUs.</summary>
    /// <param name="cpus">At least one CPU number.</param>
    /// <exception cref="ArgumentException">The set is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is negative or beyond the mask.</exception>
    /// <exception cref="CpuAffinityException">The kernel refused; the message carries errno and its text.</exception>
    public static void SetCurrentThreadAffinity(IEnumerable<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        EnsureSupported();
        ulong* mask = stackalloc ulong[MaskWords];
        new Span<ulong>(mask, MaskWords).Clear();
        int count = 0;
        foreach (int cpu in cpus)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(cpu, nameof(cpus));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, MaskWords * 64, nameof(cpus));
            mask[cpu / 64] |= 1UL << (cpu % 64);
            count++;
        }

        if (count == 0)
        {
            throw new ArgumentException("A thread needs at least one CPU to run on.", nameof(cpus));
        }

        if (LibC.SchedSetAffinity(0, (nuint)(MaskWords * sizeof(ulong)), mask) != 0)
        {
            throw new CpuAffinityException(
                $"sched_setaffinity to CPUs {CpuList.Format(cpus)} failed ({LibC.LastErrorText()}); the CPUs this process may use are {CpuList.Format(GetCurrentThreadAffinity())}.");
        }
    }

    /// <summary>The CPUs the calling thread may run on, as the kernel reports them.</summary>
    /// <returns>CPU numbers, ascending.</returns>
    /// <exception cref="CpuAffinityException">sched_getaffinity failed.</exception>
    public static IReadOnlyList<int> GetCurrentThreadAffinity()
    {
        EnsureSupported();
        ulong* mask = stackalloc ulong[MaskWords];
        new Span<ulong>(mask, MaskWords).Clear();
        if (LibC.SchedGetAffinity(0, (nuint)(MaskWords * sizeof(ulong)), mask) < 0)
        {
            throw new CpuAffinityException($"sched_getaffinity failed ({LibC.LastErrorText()}).");
        }

        var cpus = new List<int>();
        for (int word = 0; word < MaskWords; word++)
        {
            for (ulong bits = mask[word]; bits != 0; bits &= bits - 1)
            {
                cpus.Add((word * 64) + System.Numerics.BitOperations.TrailingZeroCount(bits));
            }
        }

        return cpus;
    }

    private static void EnsureSupported()
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("Thread pinning uses sched_setaffinity, which only Linux has.");
        }
    }
}
