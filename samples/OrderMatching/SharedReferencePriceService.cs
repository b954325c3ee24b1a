using System.Buffers.Binary;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;
using System.Text;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.Samples.OrderMatching;

/// <summary>
/// The reference-price service as every replica process of one host reaches it: its state is a ledger file that each
/// process maps, guarded by a named (system-wide) mutex, so a call the dead primary made is known to the new primary's
/// <see cref="Recover"/>, and a key called twice, from any process, is counted. Answers like
/// <see cref="ReferencePriceService"/> (the price moves by a tick with each executed call) and honours the same
/// recovery contract.
/// </summary>
/// <remarks>
/// <para>The ledger, all integers little-endian:</para>
/// <code>
/// 0    magic "RSHAREF1"    8  capacity (sequences)   16 executed   24 lookups   32 refusals
/// 40   calls               48 highest sequence        56 overflows (keys past the capacity)
/// 64   entry[(sequence - 1) * CallsPerSequence + call index], 16 B each:
///        state i32 (0 never called, 1 executed, 2 refused) | calls i32 | price i64
/// </code>
/// <para>Entries are written in place under the mutex; a process killed while holding it leaves the entry as it was
/// before the call (the state word is written last), and the next process to take the mutex takes it over. The file
/// is sparse: only the pages of the sequences used take memory.</para>
/// <para>Thread-safe (the mutex is taken per call, on the calling thread).</para>
/// </remarks>
public sealed class SharedReferencePriceService : IExternalService, IDisposable
{
    /// <summary>External calls one input may make (the order book makes at most one).</summary>
    public const int CallsPerSequence = 2;

    private const long Magic = 0x3146_4552_4148_5352; // "RSHAREF1"
    private const int HeaderLength = 64;
    private const int EntryLength = 16;
    private const long CapacityOffset = 8;
    private const long ExecutedOffset = 16;
    private const long LookupsOffset = 24;
    private const long RefusalsOffset = 32;
    private const long CallsOffset = 40;
    private const long HighestOffset = 48;
    private const long OverflowsOffset = 56;
    private const int Executed = 1;
    private const int Refused = 2;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Mutex _mutex;
    private readonly long _basePrice;
    private readonly long _capacity;

    /// <summary>Opens the ledger at <paramref name="path"/>, creating it when it does not exist.</summary>
    /// <param name="path">The ledger file (every process of the service gives the same; /dev/shm keeps it in memory).</param>
    /// <param name="capacity">The highest sequence it can record (the file is that many entries long, sparse).</param>
    /// <param name="basePrice">The price it starts from; it cycles through five ticks above it.</param>
    /// <exception cref="InvalidDataException">The file exists and is not a ledger of this capacity.</exception>
    public SharedReferencePriceService(string path, long capacity, long basePrice = 10_000)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Path = System.IO.Path.GetFullPath(path);
        _capacity = capacity;
        _basePrice = basePrice;
        _mutex = new Mutex(false, MutexName(Path));
        long length = HeaderLength + (capacity * CallsPerSequence * EntryLength);
        Lock();
        try
        {
            _file = MemoryMappedFile.CreateFromFile(Path, FileMode.OpenOrCreate, null, length, MemoryMappedFileAccess.ReadWrite);
            _view = _file.CreateViewAccessor(0, length);
            long magic = _view.ReadInt64(0);
            if (magic == 0)
            {
                _view.Write(CapacityOffset, capacity);
                _view.Write(0, Magic);
            }
            else if (magic != Magic || _view.ReadInt64(CapacityOffset) != capacity)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{Path} is not a reference-price ledger of capacity {capacity}."));
            }
        }
        catch
        {
            _view?.Dispose();
            _file?.Dispose();
            _mutex.ReleaseMutex();
            _mutex.Dispose();
            throw;
        }

        _mutex.ReleaseMutex();
    }

    /// <summary>The ledger file.</summary>
    public string Path { get; }

    /// <summary>
    /// Declares the lookups repeatable (<see cref="IExternalService.IsRepeatable"/>): a read of the reference price, so
    /// the primary calls without replicating the intent first. A key that reaches the service again is answered with
    /// the price it recorded the first time (and counted as a call made twice).
    /// </summary>
    public bool Repeatable { get; init; }

    /// <inheritdoc/>
    public bool IsRepeatable => Repeatable;

    /// <inheritdoc/>
    public ExternalCallResult Execute(ExternalCallKey key, ReadOnlySpan<byte> request, Span<byte> response)
    {
        Lock();
        try
        {
            Add(CallsOffset, 1);
            if (!TryRecordEntry(key, out long entry))
            {
                return ExternalCallResult.Failed;
            }

            _view.Write(entry + 4, _view.ReadInt32(entry + 4) + 1);
            int state = _view.ReadInt32(entry);
            if (state == Refused)
            {
                return ExternalCallResult.Failed;
            }

            long price;
            if (state == Executed)
            {
                price = _view.ReadInt64(entry + 8);
            }
            else
            {
                long executed = _view.ReadInt64(ExecutedOffset);
                price = ReferencePriceService.PriceAt(_basePrice, executed);
                _view.Write(entry + 8, price);
                _view.Write(ExecutedOffset, executed + 1);
                _view.Write(entry, Executed);
            }

            BinaryPrimitives.WriteInt64LittleEndian(response, price);
            return ExternalCallResult.Completed(8);
        }
        finally
        {
            _mutex.ReleaseMutex();
        }
    }

    /// <inheritdoc/>
    public ExternalCallResult Recover(ExternalCallKey key, Span<byte> response)
    {
        Lock();
        try
        {
            Add(LookupsOffset, 1);
            if (!TryRecordEntry(key, out long entry))
            {
                return ExternalCallResult.NotExecuted;
            }

            if (_view.ReadInt32(entry) == Executed)
            {
                BinaryPrimitives.WriteInt64LittleEndian(response, _view.ReadInt64(entry + 8));
                return ExternalCallResult.Completed(8);
            }

            if (_view.ReadInt32(entry) != Refused)
            {
                _view.Write(entry, Refused);
                Add(RefusalsOffset, 1);
            }

            return ExternalCallResult.NotExecuted;
        }
        finally
        {
            _mutex.ReleaseMutex();
        }
    }

    /// <summary>What the ledger recorded for <paramref name="key"/>: Completed with the price it answered, NotExecuted
    /// for a key refused after a failover, or false when the key never reached the service.</summary>
    /// <param name="key">The call's key.</param>
    /// <param name="status">Completed or NotExecuted.</param>
    /// <param name="price">The price answered (Completed only).</param>
    /// <returns>True if the ledger holds the key.</returns>
    public bool TryGetRecorded(ExternalCallKey key, out ExternalCallStatus status, out long price)
    {
        status = default;
        price = 0;
        Lock();
        try
        {
            if (!TryEntry(key, out long entry))
            {
                return false;
            }

            int state = _view.ReadInt32(entry);
            status = state == Executed ? ExternalCallStatus.Completed : ExternalCallStatus.NotExecuted;
            price = state == Executed ? _view.ReadInt64(entry + 8) : 0;
            return state != 0;
        }
        finally
        {
            _mutex.ReleaseMutex();
        }
    }

    /// <summary>The ledger's counts, with a scan for keys that reached the service more than once.</summary>
    /// <returns>The summary.</returns>
    public ReferencePriceLedgerSummary Summarize()
    {
        Lock();
        try
        {
            long highest = _view.ReadInt64(HighestOffset);
            long twice = 0;
            long onRefused = 0;
            for (long entry = HeaderLength; entry < HeaderLength + (highest * CallsPerSequence * EntryLength); entry += EntryLength)
            {
                int calls = _view.ReadInt32(entry + 4);
                twice += calls > 1 ? 1 : 0;
                onRefused += _view.ReadInt32(entry) == Refused ? calls : 0;
            }

            return new ReferencePriceLedgerSummary(
                _view.ReadInt64(CallsOffset),
                _view.ReadInt64(ExecutedOffset),
                _view.ReadInt64(LookupsOffset),
                _view.ReadInt64(RefusalsOffset),
                twice,
                onRefused,
                _view.ReadInt64(OverflowsOffset));
        }
        finally
        {
            _mutex.ReleaseMutex();
        }
    }

    /// <summary>Unmaps the ledger (the file stays).</summary>
    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
        _mutex.Dispose();
    }

    private static string MutexName(string path)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(path));
        return "Global\\rdmastack-ledger-" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    private void Lock()
    {
        try
        {
            _mutex.WaitOne();
        }
        catch (AbandonedMutexException)
        {
            // A process died holding it (a primary killed mid-call): the mutex is ours now, and the entry it was
            // writing is as it was before the call, since the state word is written last.
        }
    }

    private bool TryEntry(ExternalCallKey key, out long entry)
    {
        entry = HeaderLength + ((((key.Sequence - 1) * CallsPerSequence) + key.CallIndex) * EntryLength);
        return key.Sequence >= 1 && key.Sequence <= _capacity && (uint)key.CallIndex < CallsPerSequence;
    }

    /// <summary>The entry of a key that reached the service (counted as past the capacity, or as the highest so far).</summary>
    private bool TryRecordEntry(ExternalCallKey key, out long entry)
    {
        if (!TryEntry(key, out entry))
        {
            Add(OverflowsOffset, 1);
            return false;
        }

        if (key.Sequence > _view.ReadInt64(HighestOffset))
        {
            _view.Write(HighestOffset, key.Sequence);
        }

        return true;
    }

    private void Add(long offset, long value) => _view.Write(offset, _view.ReadInt64(offset) + value);
}
