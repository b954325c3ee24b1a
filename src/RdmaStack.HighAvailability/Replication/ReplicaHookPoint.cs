namespace RdmaStack.HighAvailability.Replication;

/// <summary>Moments in a primary's handling of one input, where the tests stop it as a crash would.</summary>
internal enum ReplicaHookPoint
{
    /// <summary>The stamped input went to the backup; the engine has not seen it.</summary>
    InputReplicated,

    /// <summary>The backup acknowledged an external call's intent; the call is not made yet.</summary>
    IntentAcknowledged,

    /// <summary>The external service answered; the result is not replicated yet.</summary>
    CallExecuted,

    /// <summary>The call's result went to the backup; the engine has not seen it.</summary>
    ResultReplicated,

    /// <summary>The engine processed the input; its completion is not replicated yet.</summary>
    Processed,

    /// <summary>The backup holds the record; the client's reply is about to be released.</summary>
    ReplyReleasing,
}
