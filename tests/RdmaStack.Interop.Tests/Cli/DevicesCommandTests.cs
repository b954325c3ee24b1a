using System.Diagnostics;

namespace RdmaStack.Interop.Tests.Cli;

/// <summary>`rdmastack devices`, run as the real executable.</summary>
public sealed class DevicesCommandTests
{
    [Fact]
    public async Task Without_RDMA_it_prints_one_line_naming_the_cause_and_fails()
    {
        var (errno, devices) = NativeDeviceList.Probe();
        var (exitCode, stdout, stderr) = await RunAsync("devices");
        if (devices > 0)
        {
            Assert.Equal(0, exitCode);
            Assert.Contains("node GUID", stdout, StringComparison.Ordinal);
            return;
        }
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line, got:\n" + stderr);
        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, stdout.Trim());
        if (errno == 38)
        {
            Assert.Equal(
                "rdmastack: no RDMA devices: the kernel has no RDMA support (ibv_get_device_list: ENOSYS, Function not implemented)",
                lines[0]);
        }
        else
        {
            Assert.StartsWith("rdmastack: no RDMA devices: ", lines[0], StringComparison.Ordinal);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        string exe = Path.Combine(Repository.Root, "src", "RdmaStack.Cli", "bin", Repository.Configuration, "net10.0", "rdmastack");
        Assert.True(File.Exists(exe), $"{exe} is not built");
        var start = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
