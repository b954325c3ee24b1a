using RdmaStack.HighAvailability.Transport;
using RdmaStack.Queues;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// A <see cref="Subscription"/> as the quorum code's incoming stream. A subscription cannot tell a writer that
/// closed from a link that broke, so <see cref="IsPeerClosed"/> stays false: the quorum protocol's own heartbeats
/// find a dead peer.
/// </summary>
internal sealed class SubscriptionStream(Subscription subscription) : IMessageStreamIn, IStreamLink
{
    public bool IsPeerClosed => false;

    public bool IsConnected => subscription.IsConnected;

    public int Poll<THandler>(ref THandler handler, int limit)
        where THandler : IMessageHandler, allows ref struct => subscription.Poll(ref handler, limit);

    public int DoWork() => subscription.DoWork();
}
