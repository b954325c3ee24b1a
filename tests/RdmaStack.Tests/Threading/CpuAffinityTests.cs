using RdmaStack.Threading;

namespace RdmaStack.Tests.Threading;

/// <summary>Pinning through sched_setaffinity, read back through sched_getaffinity, on a thread of the test's own.</summary>
public class CpuAffinityTests
{
    [Fact]
    public void Pins_to_core_0_and_reads_it_back()
    {
        Assert.SkipUnless(CpuAffinity.IsSupported, "sched_setaffinity is Linux only");
        IReadOnlyList<int>? before = null, pinned = null;
        RunOnOwnThread(() =>
        {
            before = CpuAffinity.GetCurrentThreadAffinity();
            CpuAffinity.PinCurrentThread(0);
            pinned = CpuAffinity.GetCurrentThreadAffinity();
        });

        Assert.Contains(0, before!);
        Assert.Equal([0], pinned!);
    }

    [Fact]
    public void Pins_to_a_set_and_back_to_every_allowed_cpu()
    {
        Assert.SkipUnless(CpuAffinity.IsSupported, "sched_setaffinity is Linux only");
        IReadOnlyList<int>? allowed = null, restored = null, single = null;
        RunOnOwnThread(() =>
        {
            allowed = CpuAffinity.GetCurrentThreadAffinity();
            CpuAffinity.PinCurrentThread(allowed[^1]);
            single = CpuAffinity.GetCurrentThreadAffinity();
            CpuAffinity.SetCurrentThreadAffinity(allowed);
            restored = CpuAffinity.GetCurrentThreadAffinity();
        });

        Assert.Equal([allowed![^1]], single!);
        Assert.Equal(allowed, restored!);
    }

    [Fact]
    public void Refuses_a_cpu_the_machine_does_not_have_with_errno_and_the_allowed_set()
    {
        Assert.SkipUnless(CpuAffinity.IsSupported, "sched_setaffinity is Linux only");
        Exception? error = null;
        RunOnOwnThread(() => error = Record.Exception(() => CpuAffinity.PinCurrentThread(1000)));

        var refused = Assert.IsType<CpuAffinityException>(error);
        Assert.Contains("sched_setaffinity to CPUs 1000 failed", refused.Message, StringComparison.Ordinal);
        Assert.Contains("EINVAL", refused.Message.Replace("errno 22", "EINVAL", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("may use are", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_negative_and_empty_sets_as_caller_mistakes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuAffinity.PinCurrentThread(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuAffinity.PinCurrentThread(1024));
        Assert.Throws<ArgumentException>(() => CpuAffinity.SetCurrentThreadAffinity([]));
    }

    /// <summary>Affinity belongs to the kernel thread: a thread of our own keeps the test runner's threads unpinned.</summary>
    private static void RunOnOwnThread(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("the pinned thread failed", failure);
        }
    }
}
