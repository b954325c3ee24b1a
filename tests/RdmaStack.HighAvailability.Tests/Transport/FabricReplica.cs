using RdmaStack.HighAvailability.Replication;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Transport;

/// <summary>One replica of the order book over a shared-memory fabric of its own, on a thread of its own: a server
/// process in miniature. Stopping it stops its thread, closes its streams and its fabric, as a process exit would.</summary>
internal sealed class FabricReplica : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly Fabric _fabric;
    private bool _stopped;

    public FabricReplica(ReplicaServiceOptions service, int server, ReplicaOptions options, ReferencePriceService prices)
    {
        _fabric = Fabric.Connect(FabricReplicaSet.FabricOptions);
        Node = ReplicaNode.Create(_fabric, service, server, options, new OrderMatchingEngine(), [prices]);
        _thread = new Thread(Run) { IsBackground = true, Name = "replica " + server };
        _thread.Start();
    }

    public ReplicaNode Node { get; }

    public Exception? Failure { get; private set; }

    /// <summary>Stops the replica; the node's counters and digests stay readable.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _stop.Cancel();
        _thread.Join();
        Node.Dispose();
        _fabric.Dispose();
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private void Run()
    {
        try
        {
            Node.Run(_stop.Token);
        }
        catch (Exception e)
        {
            Failure = e;
        }
    }
}
