namespace RdmaStack.Failover;

/// <summary>The state of a failover group's writer as a whole.</summary>
public enum FailoverStatus
{
    /// <summary>A link carries the stream.</summary>
    Active,

    /// <summary>Unacknowledged messages are being sent again on the new link.</summary>
    FailingOver,

    /// <summary>Every link is broken: Offer returns NotConnected; accepted messages are kept and are sent
    /// when a link is restored.</summary>
    NoHealthyLink,
}
