using System.Buffers.Binary;

namespace RdmaStack.HighAvailability.Journal;

/// <summary>Reads a journal record by record and stops at the first frame that is not valid.</summary>
internal static class JournalReader
{
    /// <summary>
    /// Replays <paramref name="journal"/> from its start into <paramref name="visitor"/>; see
    /// <see cref="JournalFormat"/> for what makes a frame valid. Reads one frame at a time (memory: the largest
    /// record), so a journal larger than memory replays too.
    /// </summary>
    public static JournalReplayResult Replay(Stream journal, IJournalVisitor visitor)
    {
        long fileLength = journal.Length;
        Span<byte> header = stackalloc byte[JournalFormat.FrameHeaderLength];
        int magicRead = ReadUpTo(journal, header);
        if (magicRead < JournalFormat.Magic.Length || !header.SequenceEqual(JournalFormat.Magic))
        {
            if (JournalFormat.Magic.StartsWith(header[..magicRead]))
            {
                // Empty, or the header itself was torn: an empty journal.
                return new JournalReplayResult(0, 0, 0, fileLength);
            }

            ThrowHelper.ThrowNotAJournal();
        }

        long position = JournalFormat.Magic.Length;
        long records = 0;
        long lastSequence = 0;
        byte[] body = new byte[4096];
        while (fileLength - position >= JournalFormat.FrameHeaderLength && ReadUpTo(journal, header) == header.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (length < 1 + 8 || length > fileLength - position - JournalFormat.FrameHeaderLength)
            {
                break;
            }

            if (body.Length < length)
            {
                body = new byte[Math.Max(length, (uint)body.Length * 2)];
            }

            Span<byte> frame = body.AsSpan(0, (int)length);
            if (ReadUpTo(journal, frame) != frame.Length || JournalChecksum.Compute(frame) != crc)
            {
                break;
            }

            long sequence = BinaryPrimitives.ReadInt64LittleEndian(frame[JournalFormat.SequenceOffset..]);
            if (frame[0] == JournalFormat.SnapshotKind)
            {
                visitor.OnSnapshot(sequence, frame[(1 + 8)..]);
            }
            else if (frame[0] == JournalFormat.TransactionKind && sequence == lastSequence + 1
                && JournalTransaction.TryRead(frame, out JournalTransaction transaction))
            {
                visitor.OnTransaction(transaction);
            }
            else
            {
                break;
            }

            lastSequence = sequence;
            records++;
            position += JournalFormat.FrameHeaderLength + length;
        }

        return new JournalReplayResult(records, lastSequence, position, fileLength - position);
    }

    private static int ReadUpTo(Stream stream, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = stream.Read(destination[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
