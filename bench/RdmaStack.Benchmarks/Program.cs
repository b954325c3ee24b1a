using BenchmarkDotNet.Running;

namespace RdmaStack.Benchmarks;

/// <summary>Runs the micro-benchmarks: `./build.sh bench micro [BenchmarkDotNet args]`.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
