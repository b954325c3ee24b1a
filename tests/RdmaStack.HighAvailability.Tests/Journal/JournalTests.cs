using System.Buffers.Binary;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Journal;

namespace RdmaStack.HighAvailability.Tests.Journal;

/// <summary>The journal: framing, flush policy, replay, and a torn or corrupt tail that is cut, never replayed.</summary>
public sealed class JournalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rdmastack-journal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_tail_torn_at_any_byte_of_the_last_record_is_cut_and_never_replayed()
    {
        string path = Path.Combine(_folder, "torn.journal");
        long[] ends = WriteRecords(path, 5);
        byte[] whole = File.ReadAllBytes(path);
        long start = ends[3];
        Assert.Equal(whole.Length, ends[4]);

        for (long cut = start; cut < whole.Length; cut++)
        {
            AssertCutTo(whole.AsSpan(0, (int)cut).ToArray(), start, cut); // the file ends inside the record

            byte[] garbage = (byte[])whole.Clone(); // the rest of the record's bytes never made it: old or random data
            garbage.AsSpan((int)cut).Fill(0xA5);
            AssertCutTo(garbage, start, whole.Length);

            byte[] zeros = (byte[])whole.Clone(); // a preallocated file: zeros after the tear
            zeros.AsSpan((int)cut).Clear();
            AssertCutTo(zeros, start, whole.Length);
        }
    }

    [Fact]
    public void Reopening_cuts_the_torn_tail_and_appends_after_the_last_valid_record()
    {
        string path = Path.Combine(_folder, "reopen.journal");
        long[] ends = WriteRecords(path, 4);
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(ends[3] - 3);
        }

        var seen = new JournalContents();
        using (TransactionJournal journal = TransactionJournal.Open(path, seen, 1 << 16, TimeSpan.FromHours(1), 1000, TimeProvider.System, out JournalReplayResult replay))
        {
            Assert.Equal(3, replay.LastSequence);
            Assert.Equal(ends[3] - 3 - ends[2], replay.CutBytes);
            Assert.Equal(ends[2], new FileInfo(path).Length);
            Append(journal.Log, 4, payloadLength: 11);
            journal.Flush();
            Assert.Equal(4, journal.DurableSequence);
        }

        JournalContents contents = JournalContents.Read(path);
        Assert.Equal([1L, 2, 3, 4], contents.Transactions.Select(t => t.Sequence));
        Assert.Equal(11, contents.Transactions[3].Input.Length);
        Assert.Equal(0, contents.Result.CutBytes);
    }

    [Fact]
    public void A_corrupt_record_in_the_middle_ends_the_replay_there()
    {
        string path = Path.Combine(_folder, "corrupt.journal");
        long[] ends = WriteRecords(path, 5);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[(int)ends[1] + 20] ^= 0x01; // a bit of record 3's body

        JournalContents contents = JournalContents.Read(bytes);
        Assert.Equal([1L, 2], contents.Transactions.Select(t => t.Sequence));
        Assert.Equal(ends[1], contents.Result.ValidLength);
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => JournalContents.Read("not a journal at all"u8.ToArray()));
        Assert.Equal(0, JournalContents.Read("RSHA"u8.ToArray()).Result.Records); // a torn header: empty
    }

    [Fact]
    public void The_flusher_writes_every_full_batch_so_a_crash_loses_less_than_one()
    {
        string path = Path.Combine(_folder, "batch.journal");
        var clock = new AdjustableClock();
        TransactionJournal journal = TransactionJournal.Open(path, new JournalContents(), 1 << 16, TimeSpan.FromHours(1), 10, clock, out _);
        for (long sequence = 1; sequence <= 95; sequence++)
        {
            Append(journal.Log, sequence, payloadLength: 18);
            journal.FlushIfDue(); // the flusher's pass
        }

        Assert.Equal(9, journal.Flushes);
        Assert.Equal(90, journal.DurableSequence);
        journal.Abandon(); // a crash: records 91-95 were only in memory

        JournalContents contents = JournalContents.Read(path);
        Assert.Equal(90, contents.Result.LastSequence);
        Assert.Equal(0, contents.Result.CutBytes);
    }

    [Fact]
    public void The_flusher_writes_what_waits_once_the_interval_has_passed()
    {
        string path = Path.Combine(_folder, "interval.journal");
        var clock = new AdjustableClock();
        TransactionJournal journal = TransactionJournal.Open(path, new JournalContents(), 1 << 16, TimeSpan.FromMilliseconds(5), 1000, clock, out _);
        Append(journal.Log, 1, 10);
        Append(journal.Log, 2, 10);
        Assert.False(journal.FlushIfDue());
        clock.Advance(TimeSpan.FromMilliseconds(4));
        Assert.False(journal.FlushIfDue());
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(journal.FlushIfDue());
        Assert.Equal(2, journal.DurableSequence);
        Append(journal.Log, 3, 10);
        journal.Abandon();
        Assert.Equal(2, JournalContents.Read(path).Result.LastSequence);
    }

    [Fact]
    public void The_flusher_thread_flushes_on_its_own()
    {
        string path = Path.Combine(_folder, "thread.journal");
        using TransactionJournal journal = TransactionJournal.Open(path, new JournalContents(), 1 << 16, TimeSpan.FromMilliseconds(2), 1000, TimeProvider.System, out _);
        journal.Start();
        Append(journal.Log, 1, 10);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (journal.DurableSequence < 1 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }

        Assert.Equal(1, journal.DurableSequence);
        Assert.Equal(1, JournalContents.Read(File.ReadAllBytes(path)).Result.LastSequence);
    }

    [Fact]
    public void Records_that_wrap_around_the_ring_reach_the_file_whole_and_in_order()
    {
        var log = new RecordLog(4096);
        var file = new MemoryStream();
        file.Write(JournalFormat.Magic);
        var random = new Random(5);
        var lengths = new List<int>();
        long sequence = 0;
        long drainedSequence = 0;
        while (sequence < 300)
        {
            int payload = random.Next(0, 900);
            int bodyLength = JournalTransaction.BodyLength(payload, 0, 3);
            if (!log.TryClaim(bodyLength, out Span<byte> body))
            {
                log.Drain(file, ref drainedSequence); // full: the flusher frees room
                continue;
            }

            sequence++;
            byte[] input = new byte[payload];
            random.NextBytes(input);
            JournalTransaction.Write(body, new StampedInput(sequence, sequence * 10, 1, sequence, input), 0, default, [1, 2, 3]);
            log.Commit(bodyLength, sequence);
            lengths.Add(payload);
            if (random.Next(4) == 0)
            {
                log.Drain(file, ref drainedSequence);
            }
        }

        log.Drain(file, ref drainedSequence);
        Assert.Equal(300, drainedSequence);
        JournalContents contents = JournalContents.Read(file.ToArray());
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), contents.Transactions.Select(t => t.Sequence));
        Assert.Equal(lengths, contents.Transactions.Select(t => t.Input.Length));
        Assert.Equal(0, contents.Result.CutBytes);
    }

    [Fact]
    public void A_transaction_record_keeps_its_call_results_in_order()
    {
        byte[] calls = new byte[64];
        int length = JournalTransaction.WriteCall(calls, ExternalCallStatus.Completed, [7, 7]);
        length += JournalTransaction.WriteCall(calls.AsSpan(length), ExternalCallStatus.NotExecuted, default);
        byte[] body = new byte[JournalTransaction.BodyLength(2, length, 1)];
        JournalTransaction.Write(body, new StampedInput(4, 40, 2, 3, [9, 9]), 2, calls.AsSpan(0, length), [5]);

        Assert.True(JournalTransaction.TryRead(body, out JournalTransaction transaction));
        Assert.Equal((4L, 40L, 2L, 3L), (transaction.Input.Sequence, transaction.Input.Timestamp, transaction.Input.ClientId, transaction.Input.ClientSequence));
        int offset = 0;
        Assert.Equal(ExternalCallStatus.Completed, JournalTransaction.ReadCall(transaction.Calls, ref offset, out ReadOnlySpan<byte> first));
        Assert.Equal([7, 7], first.ToArray());
        Assert.Equal(ExternalCallStatus.NotExecuted, JournalTransaction.ReadCall(transaction.Calls, ref offset, out ReadOnlySpan<byte> second));
        Assert.True(second.IsEmpty);
        Assert.Equal([5], transaction.Output.ToArray());
        Assert.False(JournalTransaction.TryRead(body.AsSpan(0, body.Length - 1), out _));
    }

    /// <summary>Writes records 1..count, flushing after each; returns the file length after each.</summary>
    private static long[] WriteRecords(string path, int count)
    {
        long[] ends = new long[count];
        using TransactionJournal journal = TransactionJournal.Open(path, new JournalContents(), 1 << 16, TimeSpan.FromHours(1), 1000, TimeProvider.System, out _);
        for (int i = 0; i < count; i++)
        {
            Append(journal.Log, i + 1, payloadLength: 20 + i);
            journal.Flush();
            ends[i] = new FileInfo(path).Length;
        }

        return ends;
    }

    private static void Append(RecordLog log, long sequence, int payloadLength)
    {
        byte[] payload = new byte[payloadLength];
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence * 31);
        byte[] calls = new byte[13];
        int callsLength = JournalTransaction.WriteCall(calls, ExternalCallStatus.Completed, BitConverter.GetBytes(sequence));
        int bodyLength = JournalTransaction.BodyLength(payloadLength, callsLength, 4);
        Assert.True(log.TryClaim(bodyLength, out Span<byte> body));
        JournalTransaction.Write(body, new StampedInput(sequence, sequence, 1, sequence, payload), 1, calls.AsSpan(0, callsLength), [1, 2, 3, 4]);
        log.Commit(bodyLength, sequence);
    }

    private static void AssertCutTo(byte[] bytes, long validLength, long fileLength)
    {
        JournalContents contents = JournalContents.Read(bytes);
        Assert.Equal(4, contents.Result.Records);
        Assert.Equal(4, contents.Result.LastSequence);
        Assert.Equal(validLength, contents.Result.ValidLength);
        Assert.Equal(fileLength - validLength, contents.Result.CutBytes);
        Assert.Equal([1L, 2, 3, 4], contents.Transactions.Select(t => t.Sequence));
    }
}
