namespace RdmaStack.Failover;

/// <summary>Where a link stands in a failover group.</summary>
public enum LinkState
{
    /// <summary>Connected and healthy, carrying nothing but heartbeats; the next to take over.</summary>
    Standby,

    /// <summary>Carrying the stream.</summary>
    Active,

    /// <summary>Broken; it carries nothing until it is repaired and restored.</summary>
    Failed,
}
