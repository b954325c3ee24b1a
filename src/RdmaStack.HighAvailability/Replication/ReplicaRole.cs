namespace RdmaStack.HighAvailability.Replication;

/// <summary>The role a replica's library holds; the services it runs do not know it.</summary>
public enum ReplicaRole
{
    /// <summary>Takes client requests, stamps and replicates them, makes the external calls, answers clients.</summary>
    Primary,

    /// <summary>Applies what the primary replicates, never calls out, acknowledges records, promotes itself
    /// when the primary's heartbeat stops.</summary>
    Backup,
}
