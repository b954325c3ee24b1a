using System.Buffers;
using RdmaStack.HighAvailability.Journal;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>The replica state as one blob (state transfer, journal snapshots) and journal replay.</summary>
public sealed partial class ReplicaNode
{
    /// <summary>
    /// The whole replica state: <c>last sequence i64 | last timestamp i64 | primary term i64 | sessions | engine snapshot</c>.
    /// </summary>
    private byte[] WriteState()
    {
        var engineState = new ArrayBufferWriter<byte>();
        _engine.WriteSnapshot(engineState);
        byte[] state = new byte[8 + 8 + 8 + _sessions.SnapshotLength + engineState.WrittenCount];
        var writer = new WireWriter(state);
        writer.Int64(_lastSequence);
        writer.Int64(_lastTimestamp);
        writer.Int64(_term);
        _sessions.Write(ref writer);
        writer.Bytes(engineState.WrittenSpan);
        return state;
    }

    private void ReadState(ReadOnlySpan<byte> state)
    {
        var reader = new WireReader(state);
        long sequence = reader.Int64();
        _lastTimestamp = reader.Int64();
        Volatile.Write(ref _term, reader.Int64());
        _sessions.Restore(ref reader);
        _engine.RestoreSnapshot(reader.Rest());
        Volatile.Write(ref _lastSequence, sequence);
    }

    void IJournalVisitor.OnSnapshot(long sequence, ReadOnlySpan<byte> state) => ReadState(state);

    void IJournalVisitor.OnTransaction(in JournalTransaction transaction)
    {
        _calls.BeginReplay(transaction.Calls, transaction.CallCount);
        Apply(transaction.Input, record: false, out _, out int callCount, out _);
        if (callCount != transaction.CallCount)
        {
            ThrowHelper.ThrowReplayMismatch(transaction.Input.Sequence, "the engine made fewer external calls than the record holds");
        }

        int length = _sessions.Find(transaction.Input.ClientId)!.TryGetReply(transaction.Input.ClientSequence, out _, out ReadOnlySpan<byte> output)
            ? output.Length : -1;
        if (length != transaction.Output.Length || !output.SequenceEqual(transaction.Output))
        {
            ThrowHelper.ThrowReplayMismatch(transaction.Input.Sequence, "the output differs from the recorded one");
        }
    }
}
