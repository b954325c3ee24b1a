using System.Net;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.NetworkDirect.Tests.Loopback;
using RdmaStack.Providers.NetworkDirect;
using RdmaStack.Queues;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

/// <summary>
/// Two hosts, A and B, with one adapter each per link, over the loopback NetworkDirect test double: A's adapter of
/// link i is 192.0.2.(2i+1), B's 192.0.2.(2i+2) (documentation addresses: nothing leaves the process). The adapters
/// are opened through the library's discovery with the double's provider source, so every call after
/// DllGetClassObject is the library's real call path.
/// </summary>
/// <remarks>Disposing releases the adapters only. The fabric stays, so that a test can check it afterwards
/// (<see cref="LoopbackFabric.AssertClean"/>) and a library object a failing test left behind never calls into
/// freed memory; the test process frees it at exit.</remarks>
internal sealed class LoopbackHosts : IDisposable
{
    public LoopbackHosts(int links = 1, LoopbackCompletionMode mode = LoopbackCompletionMode.Immediate, Func<ND2_ADAPTER_INFO, ND2_ADAPTER_INFO>? limits = null)
    {
        Fabric = new LoopbackFabric { Mode = mode };
        DevicesA = new LoopbackDevice[links];
        DevicesB = new LoopbackDevice[links];
        A = new NetworkDirectAdapter[links];
        B = new NetworkDirectAdapter[links];
        for (int i = 0; i < links; i++)
        {
            DevicesA[i] = Fabric.AddDevice($"192.0.2.{(2 * i) + 1}", limits);
            DevicesB[i] = Fabric.AddDevice($"192.0.2.{(2 * i) + 2}", limits);
        }

        for (int i = 0; i < links; i++)
        {
            A[i] = NetworkDirectDiscovery.OpenAdapter(DevicesA[i].Address, Fabric.Source);
            B[i] = NetworkDirectDiscovery.OpenAdapter(DevicesB[i].Address, Fabric.Source);
        }
    }

    public LoopbackFabric Fabric { get; }

    public LoopbackDevice[] DevicesA { get; }

    public LoopbackDevice[] DevicesB { get; }

    public NetworkDirectAdapter[] A { get; }

    public NetworkDirectAdapter[] B { get; }

    /// <summary>The double's queue pair behind a channel.</summary>
    public static LoopbackQueuePair QueuePairOf(NetworkDirectChannel channel) => LoopbackFabric.QueuePairAt(channel.QueuePair.DangerousGetHandle());

    /// <summary>One queue from host A (the writer, dialling) to host B (the reader, accepting) over link
    /// <paramref name="link"/>, connected; the ends are not handed over yet.</summary>
    public (NetworkDirectQueueEnd Writer, NetworkDirectQueueEnd Reader) ConnectQueue(int link, SegmentedQueueGeometry geometry, NetworkDirectConnectionOptions? options = null) =>
        QueueConnections.ConnectEnds(A[link], B[link], geometry, options);

    /// <summary>Connected writer and reader of one queue over link <paramref name="link"/>.</summary>
    public (SegmentedQueueWriter Writer, SegmentedQueueReader Reader) Queue(int link, SegmentedQueueGeometry geometry, NetworkDirectConnectionOptions? options = null) =>
        QueueConnections.Open(A[link], B[link], geometry, options);

    public IPAddress AddressA(int link) => DevicesA[link].Address;

    public void Dispose()
    {
        foreach (NetworkDirectAdapter adapter in A.Concat(B))
        {
            adapter?.Dispose();
        }
    }
}
