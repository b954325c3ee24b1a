using RdmaStack.HighAvailability.Transport;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>The two streams between this replica and the other one.</summary>
internal sealed class PeerLink(IMessageStreamOut output, IMessageStreamIn input)
{
    public IMessageStreamOut Out { get; } = output;

    public IMessageStreamIn In { get; } = input;
}
