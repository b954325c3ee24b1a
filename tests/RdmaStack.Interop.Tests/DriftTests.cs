namespace RdmaStack.Interop.Tests;

/// <summary>
/// The committed Generated/ files and layout probe are what the generator writes from the installed headers, and the
/// generator sees in the headers what rdma-core 44 declares.
/// </summary>
public sealed class DriftTests(GeneratorRun run) : IClassFixture<GeneratorRun>
{
    [Fact]
    public void Regenerating_changes_nothing()
    {
        SkipWithoutLibClang();
        foreach (string line in run.Summary)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }
        var drift = new List<string>();
        var fresh = Directory.GetFiles(run.Fresh.OutputDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var stored = Directory.GetFiles(run.Committed.OutputDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        drift.AddRange(fresh.Except(stored).Select(f => $"{f}: generated but not committed"));
        drift.AddRange(stored.Except(fresh).Select(f => $"{f}: committed but no longer generated"));
        foreach (string? file in fresh.Intersect(stored))
        {
            Compare(Path.Combine(run.Committed.OutputDir, file!), Path.Combine(run.Fresh.OutputDir, file!), drift);
        }
        Compare(run.Committed.ProbePath, run.Fresh.ProbePath, drift);
        Assert.True(drift.Count == 0, "run ./build.sh generate and commit: " + string.Join("\n", drift));
        Assert.True(fresh.Count > 150, $"only {fresh.Count} files generated");
    }

    [Fact]
    public void The_generator_counts_what_rdma_core_44_declares()
    {
        SkipWithoutLibClang();
        var verbs = run.Generator.Counts.Single(c => c.Header == "infiniband/verbs.h");
        var cma = run.Generator.Counts.Single(c => c.Header == "rdma/rdma_cma.h");
        Assert.Equal((99, 1, 66, 67, 95, 5), (verbs.Structs, verbs.Unions, verbs.Enums, verbs.ExportedFunctions, verbs.InlineFunctions, verbs.FunctionMacros));
        Assert.Equal((10, 8, 38), (cma.Structs + cma.Unions, cma.Enums, cma.ExportedFunctions));
    }

    private static void SkipWithoutLibClang()
    {
        if (GeneratorRun.Unavailable is { } reason)
        {
            Assert.Skip(reason);
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
