using RdmaStack.Threading;

namespace RdmaStack.Tests.Threading;

/// <summary>isolcpus / nohz_full detection from sample file contents.</summary>
public class CpuIsolationTests
{
    private const string IsolatedCmdline =
        "BOOT_IMAGE=/vmlinuz root=/dev/sda1 isolcpus=nohz,domain,2-3 nohz_full=2-3 rcu_nocbs=2-3 quiet -- init_arg isolcpus=7";

    [Fact]
    public void Reads_isolated_and_tickless_cpus_and_the_command_line()
    {
        var isolation = CpuIsolation.Parse("2-3\n", "2-3\n", IsolatedCmdline);

        Assert.Equal([2, 3], isolation.Isolated);
        Assert.Equal([2, 3], isolation.NohzFull);
        Assert.Equal("nohz,domain,2-3", isolation.IsolcpusArgument);
        Assert.Equal("2-3", isolation.NohzFullArgument);
        Assert.Null(isolation.Problem);
        Assert.Equal("CPUs 2-3: isolated, tickless (nohz_full)", isolation.Describe([2, 3]));
    }

    [Fact]
    public void Reports_hot_cpus_that_the_os_still_uses()
    {
        var isolation = CpuIsolation.Parse("2-3\n", "2-3\n", IsolatedCmdline);

        string line = isolation.Describe([1, 2]);

        Assert.Equal("CPUs 1-2: 1 not isolated (isolcpus=nohz,domain,2-3), timer tick on 1 (nohz_full=2-3): the OS may run other work there", line);
    }

    [Fact]
    public void A_machine_without_isolation_says_so()
    {
        var isolation = CpuIsolation.Parse("\n", null, "console=ttyS0 quiet");

        Assert.Empty(isolation.Isolated);
        Assert.Empty(isolation.NohzFull);
        Assert.Null(isolation.IsolcpusArgument);
        Assert.Equal(
            "CPUs 0-1: 0-1 not isolated (no isolcpus= on the kernel command line), timer tick on 0-1 (no nohz_full=): the OS may run other work there",
            isolation.Describe([0, 1]));
    }

    [Fact]
    public void A_malformed_file_is_reported_not_thrown()
    {
        var isolation = CpuIsolation.Parse("garbage", "1", null);

        Assert.Empty(isolation.Isolated);
        Assert.Equal([1], isolation.NohzFull);
        Assert.Contains("isolated: CPU list 'garbage'", isolation.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Detects_this_machine_without_failing()
    {
        var isolation = CpuIsolation.Detect();

        Assert.StartsWith("CPUs 0: ", isolation.Describe([0]), StringComparison.Ordinal);
    }
}
