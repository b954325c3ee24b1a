using System.Buffers.Binary;

namespace RdmaStack.HighAvailability.Journal;

/// <summary>Reads a journal file record by record and stops at the first frame that is not valid.</summary>
internal static class JournalReader
{
    /// <summary>
    /// Replays <paramref name="journal"/> (the whole file's bytes) into <paramref name="visitor"/>; see
    /// <see cref="JournalFormat"/> for what makes a frame valid.
    /// </summary>
    public static JournalReplayResult Replay(ReadOnlySpan<byte> journal, IJournalVisitor visitor)
    {
        if (journal.Length < JournalFormat.Magic.Length || !journal[..JournalFormat.Magic.Length].SequenceEqual(JournalFormat.Magic))
        {
            if (journal.Length == 0 || JournalFormat.Magic.StartsWith(journal[..Math.Min(journal.Length, JournalFormat.Magic.Length)]))
            {
                // Empty, or the header itself was torn: an empty journal.
                return new JournalReplayResult(0, 0, 0, journal.Length);
            }

            ThrowHelper.ThrowNotAJournal();
        }

        int position = JournalFormat.Magic.Length;
        long records = 0;
        long lastSequence = 0;
        while (journal.Length - position >= JournalFormat.FrameHeaderLength)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(journal[position..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(journal[(position + 4)..]);
            if (length == 0 || length > (uint)(journal.Length - position - JournalFormat.FrameHeaderLength))
            {
                break;
            }

            ReadOnlySpan<byte> body = journal.Slice(position + JournalFormat.FrameHeaderLength, (int)length);
            if (JournalChecksum.Compute(body) != crc || body.Length < 1 + 8)
            {
                break;
            }

            long sequence = BinaryPrimitives.ReadInt64LittleEndian(body[JournalFormat.SequenceOffset..]);
            if (body[0] == JournalFormat.SnapshotKind)
            {
                visitor.OnSnapshot(sequence, body[(1 + 8)..]);
            }
            else if (body[0] == JournalFormat.TransactionKind && sequence == lastSequence + 1
                && JournalTransaction.TryRead(body, out JournalTransaction transaction))
            {
                visitor.OnTransaction(transaction);
            }
            else
            {
                break;
            }

            lastSequence = sequence;
            records++;
            position += JournalFormat.FrameHeaderLength + (int)length;
        }

        return new JournalReplayResult(records, lastSequence, position, journal.Length - position);
    }
}
