using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Transport;

/// <summary>The receiving end of a replication or client stream over one of the transport's subscriptions.</summary>
/// <remarks>
/// The transport has no end-of-stream: a writer that died only stops (its heartbeats too), so
/// <see cref="IsPeerClosed"/> is always false and the replicas' own timeouts tell death. Driven by one hot thread.
/// </remarks>
internal sealed class SubscriptionStream(Subscription subscription) : IMessageStreamIn, IDisposable
{
    public bool IsPeerClosed => false;

    public int Poll<THandler>(ref THandler handler, int limit)
        where THandler : IMessageHandler, allows ref struct => subscription.Poll(ref handler, limit);

    public int DoWork() => subscription.DoWork();

    public void Dispose() => subscription.Dispose();
}
