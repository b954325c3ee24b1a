using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using RdmaStack.Queues;
using RdmaStack.Transport.Handshake;
using RdmaStack.Providers.Verbs;

namespace RdmaStack.Tests.Providers.Verbs;

/// <summary>What the verbs tests need from the Soft-RoCE lab (./build.sh lab tests): rxe0..rxe3. Elsewhere they skip,
/// saying what is missing.</summary>
internal static class VerbsLab
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static void RequireDevices(params string[] names)
    {
        IReadOnlyList<VerbsDeviceInfo> devices;
        try
        {
            devices = VerbsDevice.List();
        }
        catch (VerbsException e)
        {
            Assert.Skip($"{e.Message}; the verbs tests run in the Soft-RoCE lab (./build.sh lab tests)");
            return;
        }

        foreach (string name in names)
        {
            if (!devices.Any(d => d.Name == name))
            {
                Assert.Skip($"no RDMA device named {name} (present: {string.Join(", ", devices.Select(d => d.Name))}); the verbs tests run in the Soft-RoCE lab (./build.sh lab tests)");
            }
        }
    }

    /// <summary>Connects <paramref name="localRoles"/> on <paramref name="local"/> with the opposite roles on
    /// <paramref name="remote"/>, through a real handshake over 127.0.0.1.</summary>
    public static (VerbsQueueSet Local, VerbsQueueSet Remote) ConnectPair(
        VerbsDeviceContext local, VerbsDeviceContext remote, SegmentedQueueGeometry geometry, QueueEndpointRole[] localRoles, VerbsOptions? options = null)
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        QueueEndpointRole[] remoteRoles = localRoles.Select(r => r == QueueEndpointRole.Writer ? QueueEndpointRole.Reader : QueueEndpointRole.Writer).ToArray();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            Task<VerbsQueueSet> server = Task.Run(() =>
            {
                using ConnectionHandshake h = ConnectionHandshake.Accept(listener, secret, Timeout);
                return VerbsProvider.Connect(remote, h, geometry, remoteRoles, options);
            });
            VerbsQueueSet mine;
            using (ConnectionHandshake h = ConnectionHandshake.Connect((IPEndPoint)listener.LocalEndpoint, secret, Timeout))
            {
                mine = VerbsProvider.Connect(local, h, geometry, localRoles, options);
            }

            return (mine, server.GetAwaiter().GetResult());
        }
        finally
        {
            listener.Stop();
        }
    }

    public static long LiveHandles() =>
        Enum.GetValues<VerbsHandleKind>().Sum(VerbsHandle.Live);
}
