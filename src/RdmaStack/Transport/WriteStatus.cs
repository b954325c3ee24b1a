namespace RdmaStack.Transport;

/// <summary>What became of one posted one-sided write.</summary>
internal enum WriteStatus
{
    /// <summary>The write was accepted by the send queue.</summary>
    Posted = 0,

    /// <summary>The send queue is full: poll completions first. The queue layer sizes its use so this does not occur.</summary>
    SendQueueFull,

    /// <summary>The channel has no peer yet (connection set-up has not finished).</summary>
    NotConnected,

    /// <summary>The write falls outside the local or the remote region (RDMA's remote access error).</summary>
    AccessError,

    /// <summary>The link failed; the channel takes no more writes.</summary>
    LinkFailed,

    /// <summary>The channel was disposed.</summary>
    Closed,
}
