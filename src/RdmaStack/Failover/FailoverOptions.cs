namespace RdmaStack.Failover;

/// <summary>Timing and policy of a failover group (both ends should use the same values).</summary>
internal sealed record FailoverOptions
{
    /// <summary>How often each end writes its heartbeat on every link (default 1 ms).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>A peer heartbeat that has not moved for this long marks the link failed (default 50 ms;
    /// keep it several intervals, and above the scheduling noise of the machine).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a new connection's peer may take to write its first heartbeat before the link is marked failed
    /// (default 10 s, the connect bound). Until that first beat, <see cref="HeartbeatTimeout"/> does not apply: the peer
    /// may still be setting up its end (mapping and touching a large ring can take longer than a heartbeat timeout).</summary>
    public TimeSpan FirstHeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The reader reports a lost write when the writer's heartbeat says it wrote past the reader's
    /// position and nothing new arrived for this long (default 20 ms).</summary>
    public TimeSpan LostWriteTimeout { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>What a failover sends again (default: everything unacknowledged).</summary>
    public ResendScope ResendScope { get; init; } = ResendScope.AllUnacknowledged;
}
