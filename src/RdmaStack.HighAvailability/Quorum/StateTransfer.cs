namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// A state transfer under way: the donor's snapshot after <see cref="Sequence"/>, the state digests every active
/// processor reported at that point, and the joiner it goes to once the donor's digest is the majority's.
/// </summary>
internal sealed class StateTransfer(ProcessorSlot joiner, ProcessorSlot donor, long sequence, int reporters, int processors)
{
    private readonly ulong[] _digests = new ulong[processors];
    private int _reported;

    public ProcessorSlot Joiner { get; } = joiner;

    public ProcessorSlot Donor { get; } = donor;

    public long Sequence { get; } = sequence;

    /// <summary>The active processors asked for their digest (a bit each).</summary>
    public int Reporters { get; private set; } = reporters;

    /// <summary>The donor's snapshot (null until it begins).</summary>
    public byte[]? Snapshot { get; set; }

    public int Received { get; set; }

    /// <summary>The engine's state digest the donor announced with its snapshot.</summary>
    public ulong EngineDigest { get; set; }

    /// <summary>The digest of the snapshot bytes, from the donor's end message.</summary>
    public ulong BytesDigest { get; set; }

    public bool SnapshotComplete { get; set; }

    /// <summary>The snapshot is confirmed and going to the joiner.</summary>
    public bool Relayed { get; set; }

    public bool HasReported(int processor) => (_reported & (1 << processor)) != 0;

    public ulong DigestOf(int processor) => _digests[processor];

    public void Report(int processor, ulong digest)
    {
        _digests[processor] = digest;
        _reported |= 1 << processor;
    }

    /// <summary>A reporter is no longer active: its digest is not waited for.</summary>
    public void Drop(int processor) => Reporters &= ~(1 << processor);
}
