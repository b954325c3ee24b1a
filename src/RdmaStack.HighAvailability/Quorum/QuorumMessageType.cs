namespace RdmaStack.HighAvailability.Quorum;

/// <summary>The first byte of every message between the replicator, its processors and its clients.</summary>
/// <remarks>
/// <para>Replicator to a processor, one ordered stream per processor and incarnation:</para>
/// <code>
/// Input(s) [CallResult(s,k)]* ... Checkpoint(S)        Heartbeat whenever idle
/// SnapshotBegin(S) SnapshotChunk* SnapshotEnd Input(S+1) ...   a state transfer to a joining processor
/// Shutdown                                                      the replicator is closing
/// </code>
/// <para>A processor to the replicator: Hello once, then Response(s) for every input in order, CallRequest(s,k)
/// while it processes s, StateDigest(S) at a checkpoint, SnapshotBegin/Chunk/End when it is the donor of a
/// transfer, Restored(S) after it installed one, Heartbeat whenever idle.</para>
/// <para>A client to the replicator: Request, then Bye when it is done; the replicator to a client: Reply.</para>
/// <para>All integers little-endian.</para>
/// </remarks>
internal enum QuorumMessageType : byte
{
    /// <summary>type | sequence i64 | timestamp i64 | client id i64 | client sequence i64 | payload.</summary>
    Input = 1,

    /// <summary>type | sequence i64 | call index i32 | status u8 | response.</summary>
    CallResult = 2,

    /// <summary>type | sequence i64 | donor u8: after input sequence, report the state digest (and, as the donor,
    /// send the snapshot).</summary>
    Checkpoint = 3,

    /// <summary>type | sequence i64 | snapshot length i32 | engine state digest u64.</summary>
    SnapshotBegin = 4,

    /// <summary>type | offset i32 | bytes.</summary>
    SnapshotChunk = 5,

    /// <summary>type | digest of the snapshot bytes u64.</summary>
    SnapshotEnd = 6,

    /// <summary>type | last sequence i64 (sent or processed).</summary>
    Heartbeat = 7,

    /// <summary>type: the replicator closes; the processor stops.</summary>
    Shutdown = 8,

    /// <summary>type | incarnation i64 | last sequence processed i64 | engine state digest u64.</summary>
    Hello = 20,

    /// <summary>type | sequence i64 | response bytes.</summary>
    Response = 21,

    /// <summary>type | sequence i64 | call index i32 | service i32 | request bytes.</summary>
    CallRequest = 22,

    /// <summary>type | sequence i64 | engine state digest u64.</summary>
    StateDigest = 23,

    /// <summary>type | sequence i64 | engine state digest u64 after the snapshot was installed.</summary>
    Restored = 24,

    /// <summary>type | client id i64 | client sequence i64 | payload.</summary>
    Request = 40,

    /// <summary>type | client sequence i64 | sequence i64 | status u8 | response.</summary>
    Reply = 41,

    /// <summary>type | client id i64: the client is done; the replicator answers what it holds and forgets it.</summary>
    Bye = 42,
}
