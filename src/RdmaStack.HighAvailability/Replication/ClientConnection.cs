using RdmaStack.HighAvailability.Transport;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>One client's two streams to this replica: its requests in, its replies out.</summary>
internal sealed class ClientConnection(IMessageStreamIn requests, IMessageStreamOut replies)
{
    public IMessageStreamIn Requests { get; } = requests;

    public IMessageStreamOut Replies { get; } = replies;

    /// <summary>The client's reply stream is closed; nothing more is sent to it.</summary>
    public bool Closed { get; set; }
}
