namespace RdmaStack.Providers.NetworkDirect;

/// <summary>Which side of a NetworkDirect connection this end takes: the active one connects to the peer's
/// listener, the passive one listens and accepts. Both ends of a queue must choose opposite sides (the host that
/// dialled the side channel dials here too).</summary>
internal enum NetworkDirectConnectionSide
{
    /// <summary>IND2Connector::Connect to the peer's listener, then CompleteConnect.</summary>
    Dial,

    /// <summary>IND2Listener::GetConnectionRequest, then IND2Connector::Accept.</summary>
    Accept,
}
