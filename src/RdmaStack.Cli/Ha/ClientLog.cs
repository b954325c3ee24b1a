using System.Buffers.Binary;
using RdmaStack.HighAvailability.Sessions;

namespace RdmaStack.Cli.Ha;

/// <summary>
/// Everything one client of the HA demo sent and saw, by client sequence (1, 2, ...): the request, and the reply's
/// status, record sequence and output. Kept in chunks allocated as the log grows (no allocation per order), written to
/// a file at the end for the audit.
/// </summary>
/// <remarks>
/// One entry per client sequence, <see cref="EntryLength"/> bytes:
/// <code>
/// 0 request length u8 | 1 request (up to 47 B) | 48 status u8 | 49 reply length u8 | 56 record sequence i64 | 64 reply (up to 64 B)
/// </code>
/// A file is <c>count i64</c> then the entries. Single-threaded.
/// </remarks>
internal sealed class ClientLog
{
    public const int EntryLength = 128;
    public const int MaxRequest = 47;
    public const int MaxReply = 64;
    private const int ChunkEntries = 8192;

    private readonly List<byte[]> _chunks = [];

    /// <summary>Entries (the highest client sequence logged).</summary>
    public long Count { get; private set; }

    /// <summary>Logs request <paramref name="sequence"/> (the next one).</summary>
    public void Request(long sequence, ReadOnlySpan<byte> request)
    {
        if (sequence != Count + 1 || request.Length > MaxRequest)
        {
            throw new InvalidOperationException($"client log: request {sequence} after {Count}, {request.Length} B");
        }

        if ((sequence - 1) / ChunkEntries >= _chunks.Count)
        {
            _chunks.Add(new byte[ChunkEntries * EntryLength]);
        }

        Span<byte> entry = Entry(sequence);
        entry.Clear();
        entry[0] = (byte)request.Length;
        request.CopyTo(entry[1..]);
        Count = sequence;
    }

    /// <summary>Logs the reply of request <paramref name="sequence"/>.</summary>
    public void Reply(long sequence, ReplyStatus status, long record, ReadOnlySpan<byte> reply)
    {
        Span<byte> entry = Entry(sequence);
        entry[48] = (byte)status;
        int length = Math.Min(reply.Length, MaxReply);
        entry[49] = (byte)length;
        BinaryPrimitives.WriteInt64LittleEndian(entry[56..], record);
        reply[..length].CopyTo(entry[64..]);
    }

    /// <summary>Whether request <paramref name="sequence"/> has a reply.</summary>
    public bool IsAnswered(long sequence) => Entry(sequence)[48] != 0;

    public ReadOnlySpan<byte> RequestOf(long sequence)
    {
        Span<byte> entry = Entry(sequence);
        return entry.Slice(1, entry[0]);
    }

    public ReplyStatus StatusOf(long sequence) => (ReplyStatus)Entry(sequence)[48];

    public long RecordOf(long sequence) => BinaryPrimitives.ReadInt64LittleEndian(Entry(sequence)[56..]);

    public ReadOnlySpan<byte> ReplyOf(long sequence)
    {
        Span<byte> entry = Entry(sequence);
        return entry.Slice(64, entry[49]);
    }

    public void WriteTo(string path)
    {
        using FileStream file = File.Create(path);
        Span<byte> count = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(count, Count);
        file.Write(count);
        long left = Count;
        foreach (byte[] chunk in _chunks)
        {
            int entries = (int)Math.Min(left, ChunkEntries);
            file.Write(chunk, 0, entries * EntryLength);
            left -= entries;
        }
    }

    public static ClientLog ReadFrom(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long count = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var log = new ClientLog();
        for (long done = 0; done < count; done += ChunkEntries)
        {
            byte[] chunk = new byte[ChunkEntries * EntryLength];
            int entries = (int)Math.Min(count - done, ChunkEntries);
            bytes.AsSpan(8 + (int)(done * EntryLength), entries * EntryLength).CopyTo(chunk);
            log._chunks.Add(chunk);
        }

        log.Count = count;
        return log;
    }

    private Span<byte> Entry(long sequence)
    {
        long index = sequence - 1;
        return _chunks[(int)(index / ChunkEntries)].AsSpan((int)(index % ChunkEntries) * EntryLength, EntryLength);
    }
}
