using RdmaStack.Providers.Verbs;

namespace RdmaStack.Tests.Cli;

/// <summary>Skips a test that needs RDMA devices where there are none (everywhere but the Soft-RoCE lab).</summary>
internal static class LabDevices
{
    /// <summary>Skips unless every device in <paramref name="names"/> exists.</summary>
    public static void Require(params string[] names)
    {
        IReadOnlyList<VerbsDeviceInfo> devices;
        try
        {
            devices = VerbsDevice.List();
        }
        catch (TransportException e)
        {
            Assert.Skip($"{e.Message}; the verbs tests run in the Soft-RoCE lab (./build.sh lab tests)");
            return;
        }

        string[] missing = [.. names.Where(n => devices.All(d => d.Name != n))];
        if (missing.Length > 0)
        {
            Assert.Skip($"no RDMA device {string.Join(", ", missing)} (present: {string.Join(", ", devices.Select(d => d.Name))}); these tests run in the Soft-RoCE lab");
        }
    }
}
