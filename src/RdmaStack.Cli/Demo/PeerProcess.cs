using System.Diagnostics;

namespace RdmaStack.Cli.Demo;

/// <summary>Starts another `rdmastack` process: the apphost next to this assembly, or `dotnet RdmaStack.Cli.dll`; the
/// process learns this one's id, to end when it dies.</summary>
internal static class PeerProcess
{
    public static ProcessStartInfo CreateStartInfo(IEnumerable<string> arguments)
    {
        string directory = AppContext.BaseDirectory;
        string appHost = Path.Combine(directory, OperatingSystem.IsWindows() ? "RdmaStack.Cli.exe" : "RdmaStack.Cli");
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (File.Exists(appHost))
        {
            info.FileName = appHost;
        }
        else
        {
            info.FileName = DotnetHost();
            info.ArgumentList.Add(Path.Combine(directory, "RdmaStack.Cli.dll"));
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The peer watches this process and ends when it dies (PeerShutdown.WatchParent).
        info.Environment[PeerShutdown.ParentVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        return info;
    }

    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        return root is not null ? Path.Combine(root, "dotnet") : "dotnet";
    }
}
