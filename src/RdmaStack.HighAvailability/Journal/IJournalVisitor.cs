namespace RdmaStack.HighAvailability.Journal;

/// <summary>Receives the valid records of a journal, in order, during replay.</summary>
internal interface IJournalVisitor
{
    /// <summary>A full replica state at <paramref name="sequence"/>: everything before it is in it.</summary>
    void OnSnapshot(long sequence, ReadOnlySpan<byte> state);

    /// <summary>One processed input with its external-call results and its output.</summary>
    void OnTransaction(in JournalTransaction transaction);
}
