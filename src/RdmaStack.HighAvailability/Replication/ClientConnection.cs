using RdmaStack.HighAvailability.Transport;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>One client's two streams to this replica: its requests in, its replies out.</summary>
internal sealed class ClientConnection(IMessageStreamIn requests, IMessageStreamOut replies)
{
    private volatile bool _retired;

    public IMessageStreamIn Requests { get; } = requests;

    public IMessageStreamOut Replies { get; } = replies;

    /// <summary>The client's reply stream is closed; nothing more is sent to it.</summary>
    public bool Closed { get; set; }

    /// <summary>The primary term this replica last announced on the connection (0: none).</summary>
    public long AnnouncedTerm { get; set; }

    /// <summary>Set from any thread when the client is gone or reconnected anew: the replica drops the connection.</summary>
    public bool Retired
    {
        get => _retired;
        set => _retired = value;
    }
}
