namespace RdmaStack.HighAvailability.Replication;

/// <summary>A reply held until the backup acknowledges its record.</summary>
internal readonly record struct PendingReply(ClientConnection Connection, long ClientId, long ClientSequence, long RecordSequence);
