using RdmaStack.Interop.Generator;

// usage: RdmaStack.Interop.Generator [--out <Generated dir>] [--probe <layout_probe.c>] [--include <dir>]
//                                    [--compiler-include <dir>]
// Without options it regenerates the repository's committed files (what ./build.sh generate runs).
try
{
    var options = GeneratorOptions.ForRepository(GeneratorOptions.FindRepositoryRoot(AppContext.BaseDirectory));
    for (int i = 0; i < args.Length; i++)
    {
        string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
        options = args[i] switch
        {
            "--out" => options with { OutputDir = Path.GetFullPath(value) },
            "--probe" => options with { ProbePath = Path.GetFullPath(value) },
            "--include" => options with { IncludeDir = Path.GetFullPath(value) },
            "--compiler-include" => options with { CompilerIncludeDir = Path.GetFullPath(value) },
            _ => throw new ArgumentException($"unknown option {args[i]}"),
        };
        i++;
    }
    foreach (var line in new BindingGenerator(options).Run())
    {
        Console.WriteLine(line);
    }
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException or DllNotFoundException or IOException)
{
    Console.Error.WriteLine($"RdmaStack.Interop.Generator: {e.Message}");
    return 1;
}
