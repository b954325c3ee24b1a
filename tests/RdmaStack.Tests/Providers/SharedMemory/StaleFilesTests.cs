using System.Diagnostics;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Tests.Providers.SharedMemory;

/// <summary>Files a SIGKILLed process left in /dev/shm are recognised by their dead owner and removed at the next start.</summary>
public sealed class StaleFilesTests
{
    [Fact]
    public void Fabric_connect_removes_the_files_of_dead_processes_and_keeps_the_living_ones()
    {
        int dead = DeadProcessId();
        string tag = Guid.NewGuid().ToString("N")[..12];
        string dir = SharedMemoryProvider.Directory;
        string ring = Path.Combine(dir, $"rdmastack.stale{tag}.link0.00000000000000ab.ring");
        string endpoint = Path.Combine(dir, $"rdmastack.stale{tag}.sub.link0.endpoint");
        string temporary = Path.Combine(dir, $"rdmastack.stale{tag}.sub.link0.endpoint.{dead}.tmp");
        string living = Path.Combine(dir, $"rdmastack.live{tag}.sub.link0.endpoint");
        try
        {
            byte[] header = new byte[4096];
            BitConverter.TryWriteBytes(header, 0x314B_5453_414D_4452UL); // "RDMASTK1"
            BitConverter.TryWriteBytes(header.AsSpan(40), dead);
            File.WriteAllBytes(ring, header);
            File.WriteAllText(endpoint, $"127.0.0.1 1234 - {dead}");
            File.WriteAllText(temporary, "half written");
            File.WriteAllText(living, $"127.0.0.1 1234 - {Environment.ProcessId}");

            using (RdmaStack.Fabric.Connect(new FabricOptions()))
            {
            }

            Assert.False(File.Exists(ring));
            Assert.False(File.Exists(endpoint));
            Assert.False(File.Exists(temporary));
            Assert.True(File.Exists(living));
        }
        finally
        {
            foreach (string f in new[] { ring, endpoint, temporary, living })
            {
                File.Delete(f);
            }
        }
    }

    private static int DeadProcessId()
    {
        using Process p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }
}
