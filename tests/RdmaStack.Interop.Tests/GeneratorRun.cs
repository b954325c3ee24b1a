using System.Runtime.InteropServices;
using RdmaStack.Interop.Generator;

namespace RdmaStack.Interop.Tests;

/// <summary>One run of the generator into a temporary folder, shared by the tests of a class.</summary>
public sealed class GeneratorRun : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "rdmastack-generate-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<(BindingGenerator Generator, IReadOnlyList<string> Summary)> _run;

    public GeneratorRun()
    {
        Committed = GeneratorOptions.ForRepository(Repository.Root);
        Fresh = Committed with
        {
            OutputDir = Path.Combine(_temp, "Generated"),
            ProbePath = Path.Combine(_temp, "layout_probe.c"),
        };
        _run = new(() =>
        {
            var generator = new BindingGenerator(Fresh);
            var summary = generator.Run();
            return (generator, summary);
        });
    }

    /// <summary>Why the generator cannot run here (libclang missing), or null.</summary>
    public static string? Unavailable => NativeLibrary.TryLoad(LibClang.LibraryName, out _)
        ? null
        : $"libclang ({LibClang.LibraryName}) cannot be loaded here; ./build.sh setup installs libclang1-14";

    /// <summary>Where the repository keeps the generated files.</summary>
    internal GeneratorOptions Committed { get; }

    /// <summary>Where this run writes them.</summary>
    internal GeneratorOptions Fresh { get; }

    internal BindingGenerator Generator => _run.Value.Generator;

    public IReadOnlyList<string> Summary => _run.Value.Summary;

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }
}
