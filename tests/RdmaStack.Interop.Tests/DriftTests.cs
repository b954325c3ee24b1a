using System.Runtime.InteropServices;
using RdmaStack.Interop.Generator;

namespace RdmaStack.Interop.Tests;

/// <summary>The committed Generated/ files and layout probe are what the generator writes from the installed headers.</summary>
public sealed class DriftTests
{
    [Fact]
    public void Regenerating_changes_nothing()
    {
        if (!NativeLibrary.TryLoad(LibClang.LibraryName, out _))
        {
            Assert.Skip($"libclang ({LibClang.LibraryName}) cannot be loaded here; ./build.sh setup installs libclang1-14");
        }
        var committed = GeneratorOptions.ForRepository(Repository.Root);
        string temp = Path.Combine(Path.GetTempPath(), "rdmastack-drift-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = committed with
            {
                OutputDir = Path.Combine(temp, "Generated"),
                ProbePath = Path.Combine(temp, "layout_probe.c"),
            };
            foreach (string line in new BindingGenerator(options).Run())
            {
                TestContext.Current.TestOutputHelper?.WriteLine(line);
            }
            var drift = new List<string>();
            var fresh = Directory.GetFiles(options.OutputDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            var stored = Directory.GetFiles(committed.OutputDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            drift.AddRange(fresh.Except(stored).Select(f => $"{f}: generated but not committed"));
            drift.AddRange(stored.Except(fresh).Select(f => $"{f}: committed but no longer generated"));
            foreach (string? file in fresh.Intersect(stored))
            {
                Compare(Path.Combine(committed.OutputDir, file!), Path.Combine(options.OutputDir, file!), drift);
            }
            Compare(committed.ProbePath, options.ProbePath, drift);
            Assert.True(drift.Count == 0, "run ./build.sh generate and commit: " + string.Join("\n", drift));
            Assert.True(fresh.Count > 150, $"only {fresh.Count} files generated");
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    private static void Compare(string committedFile, string freshFile, List<string> drift)
    {
        if (!File.Exists(committedFile))
        {
            drift.Add($"{committedFile}: missing");
            return;
        }
        string[] a = File.ReadAllLines(committedFile);
        string[] b = File.ReadAllLines(freshFile);
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string? left = i < a.Length ? a[i] : null;
            string? right = i < b.Length ? b[i] : null;
            if (left != right)
            {
                drift.Add($"{Path.GetFileName(committedFile)} line {i + 1}: committed '{left}', generated '{right}'");
                return;
            }
        }
    }
}
