namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// One of the N processors as the replicator keeps it: its current incarnation's streams, its state, what was sent
/// to it and what it answered, the control messages queued behind its inputs, and its record of dissent.
/// The replicator's thread writes everything; the counters may be read from any thread.
/// </summary>
internal sealed class ProcessorSlot
{
    /// <summary>No checkpoint marker is due.</summary>
    public const long NoMarker = -1;

    private readonly long[] _dissentAt;
    private long _dissentCount;
    private long _responses;
    private long _late;
    private long _dissents;
    private long _ejections;
    private long _admissions;
    private int _state;
    private long _incarnation;

    public ProcessorSlot(int index, int disagreementLimit, int controlSlotLength, int controlCapacity)
    {
        Index = index;
        _dissentAt = new long[disagreementLimit];
        Control = new MessageRing(controlSlotLength, controlCapacity);
    }

    public int Index { get; }

    public long Incarnation
    {
        get => Volatile.Read(ref _incarnation);
        set => Volatile.Write(ref _incarnation, value);
    }

    public StreamPair? Streams { get; set; }

    public QuorumProcessorState State
    {
        get => (QuorumProcessorState)Volatile.Read(ref _state);
        set => Volatile.Write(ref _state, (int)value);
    }

    /// <summary>The first sequence its responses count for (while <see cref="QuorumProcessorState.Active"/>).</summary>
    public long VotesFrom { get; set; }

    /// <summary>The sequence its next response must carry.</summary>
    public long ExpectedResponse { get; set; }

    /// <summary>The next sequence whose input it is to be sent.</summary>
    public long NextSend { get; set; }

    /// <summary>Replicator's clock when anything last came from it.</summary>
    public long LastHeard { get; set; }

    /// <summary>Replicator's clock when anything was last sent to it.</summary>
    public long LastSent { get; set; }

    /// <summary>What its hello said: the last sequence it holds and its state digest.</summary>
    public long HelloSequence { get; set; }

    public ulong HelloDigest { get; set; }

    /// <summary>Messages that must follow inputs already sent (external-call results, the checkpoint marker).</summary>
    public MessageRing Control { get; }

    /// <summary>After which sequence the checkpoint marker goes (<see cref="NoMarker"/>: none due).</summary>
    public long MarkerAt { get; set; } = NoMarker;

    public bool MarkerDonor { get; set; }

    /// <summary>While a state transfer's snapshot goes to it: the next byte to send (-1: the begin message).</summary>
    public int RelayOffset { get; set; }

    /// <summary>A snapshot is being relayed to it; no input goes before it is through.</summary>
    public bool Relaying { get; set; }

    /// <summary>It reached K dissents within the window: the replicator ejects it once the current message is handled.</summary>
    public bool EjectDue { get; set; }

    public long Responses => Volatile.Read(ref _responses);

    public long Late => Volatile.Read(ref _late);

    public long Dissents => Volatile.Read(ref _dissents);

    public long Ejections => Volatile.Read(ref _ejections);

    public long Admissions => Volatile.Read(ref _admissions);

    /// <summary>Whether its response for <paramref name="sequence"/> is a vote.</summary>
    public bool VotesOn(long sequence) => State == QuorumProcessorState.Active && sequence >= VotesFrom;

    public void CountResponse() => Volatile.Write(ref _responses, _responses + 1);

    public void CountLate() => Volatile.Write(ref _late, _late + 1);

    public void CountAdmission() => Volatile.Write(ref _admissions, _admissions + 1);

    public void CountEjection() => Volatile.Write(ref _ejections, _ejections + 1);

    /// <summary>Records a disagreement at <paramref name="sequence"/>; true when it makes K within the window.</summary>
    public bool Dissent(long sequence, long window)
    {
        Volatile.Write(ref _dissents, _dissents + 1);
        _dissentAt[(int)(_dissentCount % _dissentAt.Length)] = sequence;
        _dissentCount++;
        if (_dissentCount < _dissentAt.Length)
        {
            return false;
        }

        long kthLast = _dissentAt[(int)((_dissentCount - _dissentAt.Length) % _dissentAt.Length)];
        return sequence - kthLast < window;
    }

    /// <summary>Forgets the dissent record (a processor admitted again starts afresh).</summary>
    public void ClearDissent() => _dissentCount = 0;
}
