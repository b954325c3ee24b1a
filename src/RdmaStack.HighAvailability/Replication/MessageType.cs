namespace RdmaStack.HighAvailability.Replication;

/// <summary>The first byte of every message the replicas and their clients exchange.</summary>
/// <remarks>
/// Primary to backup, in this order for each input N:
/// <code>
/// Input(N) [CallIntent(N,k) CallResult(N,k)]* Completed(N)      Heartbeat whenever idle
/// SnapshotBegin SnapshotChunk* SnapshotEnd                        when a backup joins
/// </code>
/// Backup to primary: Join until the snapshot arrives, IntentAck(N,k), RecordAck(N) (every record up to N is
/// held), Heartbeat, Leave, and Promoted when it took over. Client to server: Request; server to client: Reply, and
/// PrimaryTerm from a primary (when the client connects, and after each promotion).
/// All integers little-endian.
/// </remarks>
internal enum MessageType : byte
{
    /// <summary>type | sequence i64 | timestamp i64 | client id i64 | client sequence i64 | payload.</summary>
    Input = 1,

    /// <summary>type | sequence i64 | call index i32 | service i32 | request digest u64.</summary>
    CallIntent = 2,

    /// <summary>type | sequence i64 | call index i32 | status u8 | response.</summary>
    CallResult = 3,

    /// <summary>type | sequence i64 | output digest u64 | call count i32 | has state digest u8 | state digest u64.</summary>
    Completed = 4,

    /// <summary>type | generation i64 | last sequence i64 | term i64 (the sender's primary term; 0 from a backup).
    /// A primary that hears a primary of a newer term steps down; of an older one, tells it with Promoted.</summary>
    Heartbeat = 5,

    /// <summary>type | sequence i64 | total length i32 | engine state digest u64.</summary>
    SnapshotBegin = 6,

    /// <summary>type | offset i32 | bytes.</summary>
    SnapshotChunk = 7,

    /// <summary>type | snapshot digest u64.</summary>
    SnapshotEnd = 8,

    /// <summary>type | last sequence the joining replica holds i64.</summary>
    Join = 20,

    /// <summary>type | sequence i64 | call index i32.</summary>
    IntentAck = 21,

    /// <summary>type | sequence i64: every record up to it is held.</summary>
    RecordAck = 22,

    /// <summary>type | sequence i64: the backup stops replicating (it diverged).</summary>
    Leave = 23,

    /// <summary>
    /// type | sequence i64 | term i64: sent (until the stream takes it) by a backup that promoted itself to the
    /// primary it thinks dead; a primary of an older term that receives it was only slow, and steps down (it rejoins
    /// as the backup by state transfer).
    /// </summary>
    Promoted = 24,

    /// <summary>type | client id i64 | client sequence i64 | payload.</summary>
    Request = 40,

    /// <summary>type | client sequence i64 | record sequence i64 | status u8 | payload.</summary>
    Reply = 41,

    /// <summary>type | term i64: the sender is the primary of this term; a client follows the highest term it saw.</summary>
    PrimaryTerm = 42,
}
