using RdmaStack.HighAvailability.Transport;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// The two streams between the replicator and one peer (a processor or a client): one out, one in, and whatever owns
/// them (the transport's publication and subscription, closed by <see cref="Dispose"/> on the thread that drives
/// them; nothing for in-process test streams).
/// </summary>
internal sealed class StreamPair : IDisposable
{
    private readonly IStreamLink? _outLink;
    private readonly IStreamLink? _inLink;
    private readonly Action<TimeSpan>? _close;

    public StreamPair(IMessageStreamOut output, IMessageStreamIn input, Action<TimeSpan>? close = null)
    {
        Out = output;
        In = input;
        _outLink = output as IStreamLink;
        _inLink = input as IStreamLink;
        _close = close;
    }

    public IMessageStreamOut Out { get; }

    public IMessageStreamIn In { get; }

    /// <summary>True when both streams have a link (always, for streams without one).</summary>
    public bool IsConnected => (_outLink?.IsConnected ?? true) && (_inLink?.IsConnected ?? true);

    /// <summary>Opens the pair over a fabric: a publication for <paramref name="outbound"/>, a subscription for
    /// <paramref name="inbound"/>.</summary>
    public static StreamPair Open(Fabric fabric, string outbound, string inbound)
    {
        Subscription subscription = fabric.AddSubscription(inbound);
        Publication publication;
        try
        {
            publication = fabric.AddPublication(outbound);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }

        return new StreamPair(new PublicationStream(publication), new SubscriptionStream(subscription), flush =>
        {
            publication.Close(flush);
            subscription.Dispose();
        });
    }

    /// <summary>Housekeeping of both streams (for a thread that waits on something else).</summary>
    public int DoWork() => Out.DoWork() + (_inLink?.DoWork() ?? 0);

    /// <summary>Closes both streams, giving the peer up to <paramref name="flush"/> to read what was sent.</summary>
    public void Close(TimeSpan flush) => _close?.Invoke(flush);

    /// <summary>Closes both streams at once (the peer is gone, or what it has not read no longer matters).</summary>
    public void Dispose() => Close(TimeSpan.Zero);
}
