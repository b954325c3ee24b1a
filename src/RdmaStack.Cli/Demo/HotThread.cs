using RdmaStack.Threading;

namespace RdmaStack.Cli.Demo;

/// <summary>Puts a peer process's hot thread on its dedicated core: the sender on the first CPU of
/// --cpus, the receiver on the second.</summary>
internal static class HotThread
{
    /// <summary>Pins the calling thread for <paramref name="role"/>; does nothing without --cpus.</summary>
    /// <param name="role">"sender" or "receiver".</param>
    /// <param name="cpus">The two CPUs from --cpus, or null.</param>
    public static void Pin(string role, IReadOnlyList<int>? cpus)
    {
        if (cpus is null)
        {
            return;
        }

        CpuAffinity.PinCurrentThread(role == "sender" ? cpus[0] : cpus[1]);
    }

    /// <summary>One line for the report: where the hot threads run and how well the cores are kept for them.</summary>
    /// <param name="cpus">The two CPUs from --cpus, or null.</param>
    /// <returns>The line.</returns>
    public static string Describe(IReadOnlyList<int>? cpus) => cpus is null
        ? "not pinned (use --cpus A,B to give the sender and the receiver a core each)"
        : $"sender on CPU {cpus[0]}, receiver on CPU {cpus[1]}; {CpuAffinity.DescribeIsolation(cpus)}";
}
