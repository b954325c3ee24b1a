using System.Buffers.Binary;

namespace RdmaStack.HighAvailability.Journal;

/// <summary>
/// The in-memory transaction records that have not reached the journal yet: a single-producer,
/// single-consumer ring of journal frames. The replica's hot thread appends (no lock, no allocation); the
/// flusher on the housekeeping thread drains them to the file.
/// </summary>
/// <remarks>
/// <para>Frames start at multiples of 8 bytes. A frame that does not fit before the end of the ring is placed
/// at its start, and a padding word (<see cref="PaddingMarker"/> as the length) tells the consumer to skip the
/// rest. Ordering: the producer writes the frame, then publishes the tail with a release store
/// (<see cref="Volatile.Write(ref long, long)"/>); the consumer reads the tail with an acquire load, copies,
/// then releases the space by a release store of the head, which the producer reads with an acquire load.</para>
/// </remarks>
internal sealed class RecordLog
{
    /// <summary>The length word of a padding frame.</summary>
    public const uint PaddingMarker = uint.MaxValue;

    private readonly byte[] _buffer;
    private long _head;
    private long _tail;
    private long _claimStart = -1;
    private long _appendedRecords;
    private long _lastAppendedSequence;

    public RecordLog(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 4096);
        _buffer = new byte[capacity & ~7];
    }

    public int Capacity => _buffer.Length;

    /// <summary>Records appended so far (producer's count, read by the consumer).</summary>
    public long AppendedRecords => Volatile.Read(ref _appendedRecords);

    /// <summary>The sequence of the last record appended.</summary>
    public long LastAppendedSequence => Volatile.Read(ref _lastAppendedSequence);

    /// <summary>Bytes written and not yet drained.</summary>
    public long PendingBytes => Volatile.Read(ref _tail) - Volatile.Read(ref _head);

    /// <summary>The largest body a frame can carry.</summary>
    public int MaxBodyLength => (Capacity / 2) - JournalFormat.FrameHeaderLength;

    /// <summary>Claims room for a body of <paramref name="bodyLength"/> bytes; false while the ring is full.</summary>
    public bool TryClaim(int bodyLength, out Span<byte> body)
    {
        if (bodyLength > MaxBodyLength)
        {
            ThrowHelper.ThrowRecordTooLarge(bodyLength, MaxBodyLength);
        }

        int frame = Align(JournalFormat.FrameHeaderLength + bodyLength);
        long tail = _tail;
        int index = (int)(tail % Capacity);
        int toEnd = Capacity - index;
        long needed = frame <= toEnd ? frame : toEnd + frame;
        if (tail + needed - Volatile.Read(ref _head) > Capacity)
        {
            body = default;
            return false;
        }

        if (frame > toEnd)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(index), PaddingMarker);
            tail += toEnd;
            index = 0;
        }

        _claimStart = tail;
        body = _buffer.AsSpan(index + JournalFormat.FrameHeaderLength, bodyLength);
        return true;
    }

    /// <summary>Completes the claimed frame (its header and CRC) and publishes it.</summary>
    public void Commit(int bodyLength, long sequence)
    {
        int index = (int)(_claimStart % Capacity);
        JournalFormat.WriteFrameHeader(_buffer.AsSpan(index), _buffer.AsSpan(index + JournalFormat.FrameHeaderLength, bodyLength));
        long tail = _claimStart + Align(JournalFormat.FrameHeaderLength + bodyLength);
        _claimStart = -1;
        Volatile.Write(ref _lastAppendedSequence, sequence);
        Volatile.Write(ref _appendedRecords, _appendedRecords + 1);
        Volatile.Write(ref _tail, tail);
    }

    /// <summary>Copies every published frame to <paramref name="output"/> and frees its space (consumer side).</summary>
    /// <returns>Records copied, and the sequence of the last of them (unchanged when none).</returns>
    public int Drain(Stream output, ref long lastSequence)
    {
        long head = _head;
        long tail = Volatile.Read(ref _tail);
        int records = 0;
        while (head < tail)
        {
            int index = (int)(head % Capacity);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(index));
            if (length == PaddingMarker)
            {
                head += Capacity - index;
                continue;
            }

            int frame = JournalFormat.FrameHeaderLength + (int)length;
            output.Write(_buffer, index, frame);
            lastSequence = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(index + JournalFormat.FrameHeaderLength + JournalFormat.SequenceOffset));
            head += Align(frame);
            records++;
        }

        Volatile.Write(ref _head, head);
        return records;
    }

    /// <summary>Drops every published frame (consumer side; the journal starts over from a snapshot).</summary>
    public void Discard() => Volatile.Write(ref _head, Volatile.Read(ref _tail));

    private static int Align(int length) => (length + 7) & ~7;
}
