using RdmaStack.Queues;

namespace RdmaStack.Cli.Drill;

/// <summary>What one failover drill does.</summary>
/// <param name="Failures">Faults to inject.</param>
/// <param name="Seed">Seed of the fault schedule (moments and kinds).</param>
/// <param name="Count">Messages to stream.</param>
/// <param name="Links">Links in the group.</param>
/// <param name="Segments">Segments per queue.</param>
/// <param name="Slots">Slots per segment.</param>
/// <param name="Size">Bytes per message.</param>
/// <param name="Kinds">The fault kinds to draw from.</param>
/// <param name="Cpus">The writer's and the reader's core, or null.</param>
/// <param name="StallTimeout">Give up when nothing moves for this long.</param>
internal sealed record DrillOptions(
    int Failures, int Seed, long Count, int Links, int Segments, int Slots, int Size, IReadOnlyList<FaultKind> Kinds, IReadOnlyList<int>? Cpus, TimeSpan StallTimeout)
{
    public SegmentedQueueGeometry Geometry => new(Segments, Slots, Size);

    /// <summary>Failover timing for the drill: detection bounds short enough that 1,000 lost writes do not
    /// take minutes, long enough that scheduling noise on a busy 2-core machine rarely trips them.</summary>
    public FabricOptions FabricOptions => new()
    {
        Links = [.. Enumerable.Range(0, Links).Select(_ => new LinkOptions())],
        Geometry = Geometry,
        HeartbeatInterval = HeartbeatInterval,
        HeartbeatTimeout = HeartbeatTimeout,
        LostWriteTimeout = LostWriteTimeout,
    };

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(0.5);

    public TimeSpan HeartbeatTimeout { get; init; } = DefaultHeartbeatTimeout;

    /// <summary>The one-process drill's heartbeat bound.</summary>
    public static TimeSpan DefaultHeartbeatTimeout { get; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan LostWriteTimeout { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>A peer with no link connected this long is gone; the two-process drill stops then, naming the cause,
    /// rather than waiting out the stall timeout. It is three heartbeat timeouts, but at least
    /// <see cref="MinimumGoneTimeout"/> (and never past the stall timeout): the library re-dials a failed link at once,
    /// yet in the lab's starved guest a link-down has coincided with a false heartbeat failure of the other link (the
    /// switchover took 4.7 s), so both links were being re-established at once, and one re-establishment alone has
    /// taken 5 s there.</summary>
    public TimeSpan GoneTimeout => TimeSpan.FromTicks(Math.Min(StallTimeout.Ticks, Math.Max((HeartbeatTimeout * 3).Ticks, MinimumGoneTimeout.Ticks)));

    /// <summary>The least <see cref="GoneTimeout"/>: about three times the longest re-establishment of one link measured in
    /// the lab (5.1 s, two-host drill under TCG).</summary>
    public static TimeSpan MinimumGoneTimeout { get; } = TimeSpan.FromSeconds(15);

    /// <summary>What the two-process drill's receiver adds to its gone and stall bounds: the sender holds its own bounds
    /// while one of its link commands runs, but the receiver cannot see them, and a link command may run for up to
    /// <see cref="CommandLinkControl.CommandTimeout"/> (in the lab a guest kernel once took 34 s to return from
    /// `ip link set down`). So the sender, which knows, is the side that gives up first.</summary>
    public static TimeSpan ReceiverAllowance => CommandLinkControl.CommandTimeout;
}
