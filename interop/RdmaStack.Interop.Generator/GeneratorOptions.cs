namespace RdmaStack.Interop.Generator;

/// <summary>Where the generator reads headers from and writes its outputs to.</summary>
/// <param name="IncludeDir">The system include dir holding infiniband/verbs.h and rdma/rdma_cma.h.</param>
/// <param name="OutputDir">The Generated/ folder of the interop project.</param>
/// <param name="ProbePath">The C source of the layout probe (native/layout_probe.c).</param>
/// <param name="CompilerIncludeDir">The compiler's include dir (stddef.h); null asks gcc.</param>
internal sealed record GeneratorOptions(string IncludeDir, string OutputDir, string ProbePath, string? CompilerIncludeDir = null)
{
    /// <summary>The repository's own locations, found from a folder inside it.</summary>
    public static GeneratorOptions ForRepository(string root) => new(
        "/usr/include",
        Path.Combine(root, "interop", "RdmaStack.Interop", "Generated"),
        Path.Combine(root, "native", "layout_probe.c"));

    /// <summary>The folder holding RdmaStack.sln, searched upwards from <paramref name="start"/>.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RdmaStack.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no RdmaStack.sln above {start}");
    }
}
