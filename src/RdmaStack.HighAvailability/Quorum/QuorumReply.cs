namespace RdmaStack.HighAvailability.Quorum;

/// <summary>The replicator's answer to one client message, as the client's poll hands it over.</summary>
public readonly ref struct QuorumReply
{
    /// <summary>Creates a reply.</summary>
    /// <param name="clientSequence">The client's sequence number of the message answered.</param>
    /// <param name="sequence">The service-wide sequence it was given (0 when rejected before sequencing).</param>
    /// <param name="status">Agreed, NoQuorum or Rejected.</param>
    /// <param name="response">The agreed response (empty unless Agreed).</param>
    public QuorumReply(long clientSequence, long sequence, QuorumReplyStatus status, ReadOnlySpan<byte> response)
    {
        ClientSequence = clientSequence;
        Sequence = sequence;
        Status = status;
        Response = response;
    }

    /// <summary>The client's sequence number of the message answered.</summary>
    public long ClientSequence { get; }

    /// <summary>The service-wide sequence the message was given; for NoQuorum, the sequence no quorum was reached for.</summary>
    public long Sequence { get; }

    /// <summary>Agreed, NoQuorum or Rejected.</summary>
    public QuorumReplyStatus Status { get; }

    /// <summary>The bytes a quorum of processors agreed on (empty unless <see cref="QuorumReplyStatus.Agreed"/>); valid
    /// only during the handler's call.</summary>
    public ReadOnlySpan<byte> Response { get; }
}
