namespace RdmaStack.HighAvailability.Replication;

/// <summary>The state digests of the last <see cref="Capacity"/> checkpoints, by sequence.</summary>
internal sealed class CheckpointLog(int interval)
{
    public const int Capacity = 4096;

    private readonly long[] _sequences = new long[Capacity];
    private readonly ulong[] _digests = new ulong[Capacity];

    public void Record(long sequence, ulong digest)
    {
        int slot = (int)(sequence / interval % Capacity);
        _sequences[slot] = sequence;
        _digests[slot] = digest;
    }

    public bool TryGet(long sequence, out ulong digest)
    {
        int slot = (int)(sequence / interval % Capacity);
        digest = _digests[slot];
        return sequence > 0 && _sequences[slot] == sequence;
    }
}
