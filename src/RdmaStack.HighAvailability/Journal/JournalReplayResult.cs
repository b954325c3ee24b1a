namespace RdmaStack.HighAvailability.Journal;

/// <summary>What a journal replay found.</summary>
/// <param name="Records">Valid records replayed (snapshots included).</param>
/// <param name="LastSequence">The sequence of the last valid record (0: none).</param>
/// <param name="ValidLength">Bytes of the file up to the end of the last valid record.</param>
/// <param name="CutBytes">Bytes after it that were not a valid record (a torn tail) and were cut.</param>
public readonly record struct JournalReplayResult(long Records, long LastSequence, long ValidLength, long CutBytes);
