using RdmaStack.HighAvailability.Transport;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>A <see cref="Publication"/> as the quorum code's outgoing stream.</summary>
internal sealed class PublicationStream(Publication publication) : IMessageStreamOut, IStreamLink
{
    public int MaxMessageLength => publication.MaxMessageLength;

    public bool IsConnected => publication.IsConnected;

    public long Offer(ReadOnlySpan<byte> message) => publication.Offer(message);

    public int DoWork() => publication.DoWork();
}
