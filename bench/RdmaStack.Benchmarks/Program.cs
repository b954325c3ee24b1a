using BenchmarkDotNet.Running;

namespace RdmaStack.Benchmarks;

/// <summary>Runs the micro-benchmarks: `./build.sh bench micro [BenchmarkDotNet args]`; `loop ...` runs
/// <see cref="ProfileLoop"/> instead (for callgrind and perf).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "loop")
        {
            return ProfileLoop.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
