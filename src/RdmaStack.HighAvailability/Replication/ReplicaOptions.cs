using RdmaStack.Threading;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>Settings of one replica (primary or backup); both replicas of a pair should use the same.</summary>
public sealed class ReplicaOptions
{
    /// <summary>The role the replica starts in (a backup joins the primary by state transfer).</summary>
    public ReplicaRole InitialRole { get; init; } = ReplicaRole.Primary;

    /// <summary>The largest message on any stream (the transport's slot payload); default 1024.</summary>
    public int MaxMessageLength { get; init; } = 1024;

    /// <summary>
    /// Requests a client may have unanswered, and so the replies each session holds for resends; default 64.
    /// </summary>
    public int SessionWindow { get; init; } = 64;

    /// <summary>The largest response of one external call; default 256 bytes.</summary>
    public int MaxCallResponseLength { get; init; } = 256;

    /// <summary>The primary sends a heartbeat when it sent nothing else for this long; default 1 ms.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The backup promotes itself when nothing arrived from the primary for this long; default 50 ms. Promotion
    /// then takes this bound plus the time to apply what was received.
    /// </summary>
    public TimeSpan PromotionTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The primary goes on alone when nothing arrived from the backup for this long; default 50 ms, and at least
    /// <see cref="PromotionTimeout"/> (so that a primary that was only slow learns of a promotion first).
    /// </summary>
    public TimeSpan BackupTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A joining backup asks again for the state after this long without it; default 1 s.</summary>
    public TimeSpan JoinRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>State digests are compared every this many inputs; default 64.</summary>
    public int CheckpointInterval { get; init; } = 64;

    /// <summary>The journal file, or null for none.</summary>
    public string? JournalPath { get; init; }

    /// <summary>The journal is fsynced at least this often while records wait; default 10 ms.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>... and as soon as this many records wait; default 1024.</summary>
    public int FlushRecords { get; init; } = 1024;

    /// <summary>Bytes of in-memory records between the hot thread and the flusher; default 4 MiB.</summary>
    public int RecordBufferBytes { get; init; } = 4 << 20;

    /// <summary>The clock for timestamps, heartbeats and flushes.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Whether creating the replica compiles the code a promotion runs for the first time: the primary's half of
    /// the library, and every method of the engine's and the external services' types (default: true). A backup
    /// never ran them; compiled at the promotion, they cost more than the promotion bound (measured: 7-10 ms on the
    /// demo's host). Creation takes longer instead (<see cref="ReplicaNode.CodePreparationTime"/>). Nothing to do
    /// under native AOT.
    /// </summary>
    public bool PrepareCode { get; init; } = true;

    /// <summary>
    /// Creates the idle strategy of the replica's thread (its run loop and its waits for the peer). Default:
    /// spin 100 passes, yield 20, then sleep 1 ms: three replicas' threads share two cores without starving
    /// each other, at the price of up to a millisecond of wake-up after an idle stretch.
    /// </summary>
    public Func<IIdleStrategy> IdleStrategy { get; init; } =
        static () => RdmaStack.Threading.IdleStrategy.Backoff(100, 20, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));

    /// <summary>Header bytes of a replicated input (type, sequence, timestamp, client id, client sequence).</summary>
    internal const int InputHeaderLength = 1 + (4 * 8);

    /// <summary>Header bytes of a reply (type, client sequence, record sequence, status).</summary>
    internal const int ReplyHeaderLength = 1 + 8 + 8 + 1;

    /// <summary>Header bytes of a call result (type, sequence, call index, status).</summary>
    internal const int CallResultHeaderLength = 1 + 8 + 4 + 1;

    /// <summary>The largest client payload: it must fit a replicated input.</summary>
    public int MaxRequestLength => MaxMessageLength - InputHeaderLength;

    /// <summary>The largest output an engine may write for one input: it must fit a reply.</summary>
    public int MaxOutputLength => MaxMessageLength - ReplyHeaderLength;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageLength, 128, nameof(MaxMessageLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(SessionWindow, 1, nameof(SessionWindow));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxCallResponseLength, MaxMessageLength - CallResultHeaderLength, nameof(MaxCallResponseLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointInterval, 1, nameof(CheckpointInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero, nameof(HeartbeatInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PromotionTimeout, HeartbeatInterval, nameof(PromotionTimeout));
        // A primary that was only slow must hear that its backup took over before it would go on alone.
        ArgumentOutOfRangeException.ThrowIfLessThan(BackupTimeout, PromotionTimeout, nameof(BackupTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(FlushRecords, 1, nameof(FlushRecords));
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(IdleStrategy);
    }
}
