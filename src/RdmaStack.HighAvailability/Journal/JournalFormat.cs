using System.Buffers.Binary;

namespace RdmaStack.HighAvailability.Journal;

/// <summary>
/// The journal file's layout: a header, then framed records, appended and never rewritten.
/// </summary>
/// <remarks>
/// <code>
/// file   := "RSHAJNL1" frame*
/// frame  := +--------------------+--------------------+---------------------------+
///           | body length  u32   | CRC-32C(body) u32  | body (length bytes)       |
///           +--------------------+--------------------+---------------------------+
/// body   := kind u8 = 1 (transaction) | sequence i64 | timestamp i64 | client id i64 | client sequence i64
///           | input length i32 | input | call count i32 | (status u8 | length i32 | response)* | output length i32 | output
///         | kind u8 = 2 (snapshot)    | sequence i64 | replica state (sessions, engine snapshot)
/// </code>
/// A frame is valid when its length fits the file, its CRC matches and its sequence follows the previous
/// record's (a snapshot starts the count afresh). Replay stops at the first frame that is not valid, and the
/// file is cut there: a record torn by a crash during an append is never replayed. Little-endian throughout.
/// </remarks>
internal static class JournalFormat
{
    /// <summary>The bytes of the header.</summary>
    public static ReadOnlySpan<byte> Magic => "RSHAJNL1"u8;

    /// <summary>Bytes before a record's body: length and CRC.</summary>
    public const int FrameHeaderLength = 8;

    /// <summary>Offset of the body's sequence field.</summary>
    public const int SequenceOffset = 1;

    /// <summary>The body kind of a processed input.</summary>
    public const byte TransactionKind = 1;

    /// <summary>The body kind of a full replica state.</summary>
    public const byte SnapshotKind = 2;

    /// <summary>Writes a frame's header for <paramref name="body"/> into <paramref name="header"/>.</summary>
    public static void WriteFrameHeader(Span<byte> header, ReadOnlySpan<byte> body)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], JournalChecksum.Compute(body));
    }
}
