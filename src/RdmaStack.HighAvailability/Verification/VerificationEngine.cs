namespace RdmaStack.HighAvailability.Verification;

/// <summary>
/// Compares what the backup's engine produced with what the primary reports: the output digest and the number
/// of external calls of every input, and the state digest at every checkpoint. Reports the first divergence.
/// </summary>
/// <remarks>
/// The backup records its own results as it processes each input; the primary's <c>Completed</c> message for
/// the same input arrives after it on the replication stream, so results are compared in sequence order and
/// the first mismatch names the first differing sequence. Holds the last <see cref="Capacity"/> local results.
/// Single-threaded (the backup's hot thread).
/// </remarks>
public sealed class VerificationEngine
{
    /// <summary>Local results held for comparison.</summary>
    public const int Capacity = 1024;

    private readonly long[] _sequences = new long[Capacity];
    private readonly ulong[] _outputs = new ulong[Capacity];
    private readonly int[] _callCounts = new int[Capacity];
    private readonly ulong[] _states = new ulong[Capacity];
    private readonly bool[] _hasState = new bool[Capacity];

    /// <summary>The first divergence found, or null.</summary>
    public Divergence? FirstDivergence { get; private set; }

    /// <summary>Inputs compared so far.</summary>
    public long InputsVerified { get; private set; }

    /// <summary>State digests compared so far.</summary>
    public long CheckpointsVerified { get; private set; }

    /// <summary>Records this replica's result for one input.</summary>
    /// <param name="sequence">The input's sequence.</param>
    /// <param name="outputDigest">The digest of its output.</param>
    /// <param name="callCount">External calls it made.</param>
    /// <param name="stateDigest">The state digest after it, at a checkpoint; otherwise null.</param>
    public void RecordLocal(long sequence, ulong outputDigest, int callCount, ulong? stateDigest)
    {
        int slot = (int)(sequence % Capacity);
        _sequences[slot] = sequence;
        _outputs[slot] = outputDigest;
        _callCounts[slot] = callCount;
        _hasState[slot] = stateDigest.HasValue;
        _states[slot] = stateDigest.GetValueOrDefault();
    }

    /// <summary>Compares the primary's result for one input with the local one.</summary>
    /// <param name="sequence">The input's sequence.</param>
    /// <param name="outputDigest">The primary's output digest.</param>
    /// <param name="callCount">The primary's external calls.</param>
    /// <param name="stateDigest">The primary's state digest at a checkpoint, or null.</param>
    /// <returns>The divergence found now, or null (also when the input is not held locally).</returns>
    public Divergence? VerifyPrimary(long sequence, ulong outputDigest, int callCount, ulong? stateDigest)
    {
        int slot = (int)(sequence % Capacity);
        if (_sequences[slot] != sequence)
        {
            return null;
        }

        InputsVerified++;
        if (_callCounts[slot] != callCount)
        {
            return Report(new Divergence(sequence, DivergenceKind.CallCount, (ulong)callCount, (ulong)_callCounts[slot]));
        }

        if (_outputs[slot] != outputDigest)
        {
            return Report(new Divergence(sequence, DivergenceKind.Output, outputDigest, _outputs[slot]));
        }

        if (stateDigest.HasValue && _hasState[slot])
        {
            CheckpointsVerified++;
            if (_states[slot] != stateDigest.Value)
            {
                return Report(new Divergence(sequence, DivergenceKind.State, stateDigest.Value, _states[slot]));
            }
        }

        return null;
    }

    /// <summary>Records a divergence found elsewhere (an external call's request, a state transfer).</summary>
    /// <param name="divergence">The divergence.</param>
    /// <returns>The divergence.</returns>
    public Divergence Report(Divergence divergence)
    {
        ArgumentNullException.ThrowIfNull(divergence);
        FirstDivergence ??= divergence;
        return divergence;
    }
}
