namespace RdmaStack.HighAvailability.Transport;

/// <summary>The sending end of a replication or client stream over one of the transport's publications.</summary>
/// <remarks>Driven by the replica's or the client's hot thread only; disposed off it once that thread let it go.</remarks>
internal sealed class PublicationStream(Publication publication) : IMessageStreamOut, IDisposable
{
    public int MaxMessageLength => publication.MaxMessageLength;

    public long Offer(ReadOnlySpan<byte> message) => publication.Offer(message);

    public int DoWork() => publication.DoWork();

    /// <summary>Closes at once: the reader of a retired stream is gone or has a newer stream.</summary>
    public void Dispose() => publication.Close(TimeSpan.Zero);
}
