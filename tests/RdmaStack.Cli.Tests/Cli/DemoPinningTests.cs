using RdmaStack.Cli.Commands;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Tests.Cli;

/// <summary>`--cpus A,B`: parsing, and the demo's two processes running with their hot threads pinned.</summary>
public class DemoPinningTests
{
    [Fact]
    public void Parses_two_cpus_in_order()
    {
        Assert.Equal([1, 0], CpusOption.Parse("1,0")!);
        Assert.Null(CpusOption.Parse(null));
        Assert.Equal(["--cpus", "1,0"], CpusOption.ToArguments([1, 0]));
    }

    [Fact]
    public void Parses_one_cpu_as_this_sides_on_two_hosts() => Assert.Equal([3, 3], CpusOption.Parse("3")!);

    [Theory]
    [InlineData("0,1,2")]
    [InlineData("0-1,2")]
    [InlineData("a,b")]
    public void Rejects_anything_but_one_or_two_cpus(string text) => Assert.Throws<FormatException>(() => CpusOption.Parse(text));

    [Fact]
    public void Demo_runs_with_pinned_hot_threads_and_reports_the_cores()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "pinning is Linux only");
        int last = Environment.ProcessorCount - 1;
        var options = new DemoOptions(50_000, 64, 4, 64, Pings: 1_000, Warmup: 100, TimeSpan.FromSeconds(30)) { Cpus = [0, last] };
        var console = new StringWriter();

        int exit = DemoCommand.Run(options, console);

        Assert.True(exit == 0, console.ToString());
        Assert.Contains($"sender on CPU 0, receiver on CPU {last}", console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cpu_the_machine_lacks_fails_the_run_naming_the_cpus_there_are()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "pinning is Linux only");
        var options = new DemoOptions(1_000, 64, 2, 8, Pings: 10, Warmup: 0, TimeSpan.FromSeconds(3)) { Cpus = [0, 1000] };
        var console = new StringWriter();

        int exit = DemoCommand.Run(options, console);

        Assert.NotEqual(0, exit);
        Assert.Contains($"--cpus 0,1000: this machine has CPUs 0 to {Environment.ProcessorCount - 1}.", console.ToString(), StringComparison.Ordinal);
    }
}
