namespace RdmaStack.Failover;

/// <summary>What showed that a link is broken.</summary>
/// <remarks>The value travels in the reader's fault reports (one byte), so the numbers are part of the wire format.</remarks>
public enum LinkFailureCause : byte
{
    /// <summary>No cause recorded.</summary>
    Unknown = 0,

    /// <summary>A write completed with an error (for verbs, a work completion status such as
    /// IBV_WC_RETRY_EXC_ERR; for a fault injector, a killed link).</summary>
    ErrorCompletion = 1,

    /// <summary>A write could not be posted (the queue pair is in error, or the link is down).</summary>
    FailedPost = 2,

    /// <summary>The device reported it asynchronously: a port error, a fatal queue pair error, a fatal device error.</summary>
    AsyncEvent = 3,

    /// <summary>The peer's heartbeat, written into this side's memory, stopped moving for longer than the bound.</summary>
    Heartbeat = 4,

    /// <summary>The reader saw the writer's tail ahead of what arrived for longer than the bound: a write was lost.</summary>
    LostWrite = 5,

    /// <summary>A slot kept failing its checksum (or carried a wrong sequence) past the retry bounds.</summary>
    CorruptSlot = 6,

    /// <summary>The peer closed its end of the stream, or replaced the link's connection with a new one.</summary>
    PeerClosed = 7,

    /// <summary>The application declared the link failed.</summary>
    Requested = 8,
}
