using System.Buffers.Binary;

namespace RdmaStack.HighAvailability.Journal;

/// <summary>
/// The journal of one replica: the in-memory records (<see cref="RecordLog"/>) and a flusher on a housekeeping
/// thread that appends them to the file every <c>flushInterval</c> or every <c>flushRecords</c> records,
/// whichever comes first, and fsyncs.
/// </summary>
/// <remarks>
/// A crash loses at most the records appended since the last fsync: one flush interval (or
/// <c>flushRecords</c> records), plus whatever the flusher thread lags behind when the machine is saturated.
/// The hot thread only appends to the ring; it waits only when the ring is full.
/// </remarks>
internal sealed class TransactionJournal : IDisposable
{
    private readonly FileStream _file;
    private readonly TimeSpan _flushInterval;
    private readonly int _flushRecords;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Thread? _thread;
    private volatile bool _stop;
    private long _flushedRecords;
    private long _drainedSequence;
    private long _durableSequence;
    private long _lastFlush;
    private long _flushes;
    private bool _closed;

    private TransactionJournal(string path, FileStream file, int bufferBytes, TimeSpan flushInterval, int flushRecords, TimeProvider time)
    {
        Path = path;
        _file = file;
        Log = new RecordLog(bufferBytes);
        _flushInterval = flushInterval;
        _flushRecords = flushRecords;
        _time = time;
        _lastFlush = time.GetTimestamp();
    }

    public string Path { get; }

    /// <summary>The in-memory records (the hot thread appends here).</summary>
    public RecordLog Log { get; }

    /// <summary>The sequence of the last record known to be on disk (fsynced).</summary>
    public long DurableSequence => Volatile.Read(ref _durableSequence);

    /// <summary>Flushes (fsyncs) done.</summary>
    public long Flushes => Volatile.Read(ref _flushes);

    /// <summary>
    /// Opens (or creates) the journal at <paramref name="path"/>, replays its valid records into
    /// <paramref name="visitor"/>, cuts a torn tail and positions for appending.
    /// </summary>
    public static TransactionJournal Open(
        string path, IJournalVisitor visitor, int bufferBytes, TimeSpan flushInterval, int flushRecords, TimeProvider time, out JournalReplayResult replay)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        try
        {
            using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1 << 16))
            {
                replay = JournalReader.Replay(reader, visitor);
            }

            if (replay.ValidLength < JournalFormat.Magic.Length)
            {
                file.SetLength(0);
                file.Write(JournalFormat.Magic);
            }
            else
            {
                file.SetLength(replay.ValidLength);
                file.Position = replay.ValidLength;
            }

            file.Flush(flushToDisk: true);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        var journal = new TransactionJournal(path, file, bufferBytes, flushInterval, flushRecords, time);
        journal._durableSequence = replay.LastSequence;
        journal._drainedSequence = replay.LastSequence;
        return journal;
    }

    /// <summary>Starts the flusher thread.</summary>
    public void Start()
    {
        _thread = new Thread(RunFlusher) { IsBackground = true, Name = "rdmastack-ha-journal" };
        _thread.Start();
    }

    /// <summary>Flushes when the policy says so; true if it flushed.</summary>
    public bool FlushIfDue()
    {
        long pending = Log.AppendedRecords - Volatile.Read(ref _flushedRecords);
        if (pending <= 0)
        {
            return false;
        }

        if (pending < _flushRecords && _time.GetElapsedTime(Volatile.Read(ref _lastFlush)) < _flushInterval)
        {
            return false;
        }

        Flush();
        return true;
    }

    /// <summary>Appends every record in memory to the file and fsyncs.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            int drained = Log.Drain(_file, ref _drainedSequence);
            _file.Flush(flushToDisk: true);
            Volatile.Write(ref _flushedRecords, Volatile.Read(ref _flushedRecords) + drained);
            Volatile.Write(ref _durableSequence, _drainedSequence);
            Volatile.Write(ref _lastFlush, _time.GetTimestamp());
            Interlocked.Increment(ref _flushes);
        }
    }

    /// <summary>
    /// Starts the journal over from a full state (a replica that joined by state transfer): the file then holds
    /// the header and one snapshot record, fsynced. Call from the producer's thread, with no claim open.
    /// </summary>
    public void ResetWithSnapshot(long sequence, ReadOnlySpan<byte> state)
    {
        byte[] body = new byte[1 + 8 + state.Length];
        body[0] = JournalFormat.SnapshotKind;
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(1), sequence);

        state.CopyTo(body.AsSpan(9));
        Span<byte> header = stackalloc byte[JournalFormat.FrameHeaderLength];
        JournalFormat.WriteFrameHeader(header, body);
        lock (_lock)
        {
            Log.Discard();
            Volatile.Write(ref _flushedRecords, Log.AppendedRecords);
            _file.SetLength(0);
            _file.Write(JournalFormat.Magic);
            _file.Write(header);
            _file.Write(body);
            _file.Flush(flushToDisk: true);
            _drainedSequence = sequence;
            Volatile.Write(ref _durableSequence, sequence);
        }
    }

    /// <summary>
    /// Stops as a crash would: the flusher thread ends and the records still in memory are never written.
    /// </summary>
    public void Abandon()
    {
        StopThread();
        lock (_lock)
        {
            _closed = true;
            _file.Dispose();
        }
    }

    /// <summary>Writes what is in memory, fsyncs, and closes.</summary>
    public void Dispose()
    {
        StopThread();
        Flush();
        lock (_lock)
        {
            _closed = true;
            _file.Dispose();
        }
    }

    private void StopThread()
    {
        _stop = true;
        _thread?.Join();
    }

    private void RunFlusher()
    {
        while (!_stop)
        {
            if (!FlushIfDue())
            {
                Thread.Sleep(1);
            }
        }
    }
}
