namespace RdmaStack.Interop.Tests;

/// <summary>Paths inside the repository the tests run from.</summary>
internal static class Repository
{
    public static string Root { get; } = Generator.GeneratorOptions.FindRepositoryRoot(AppContext.BaseDirectory);

    /// <summary>Release or Debug: the configuration this test assembly was built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
}
