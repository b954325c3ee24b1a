using System.Buffers;
using System.Buffers.Binary;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// The records a quorum run leaves in its folder for the answer check, all little-endian:
/// <code>
/// inputs.bin      sequence i64 | timestamp i64 | client id i64 | client sequence i64 | length i32 | payload   (replicator)
/// calls.bin       sequence i64 | call index i32 | status u8 | length i32 | response                        (replicator)
/// client-ID.bin   client sequence i64 | sequence i64 | status u8 | length i32 | response                   (each client)
/// </code>
/// </summary>
internal static class RunRecords
{
    public const string Inputs = "inputs.bin";
    public const string Calls = "calls.bin";

    public static string ClientFile(long clientId) => FormattableString.Invariant($"client-{clientId}.bin");

    public static void Int64(ArrayBufferWriter<byte> to, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(to.GetSpan(8), value);
        to.Advance(8);
    }

    public static void Int32(ArrayBufferWriter<byte> to, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(to.GetSpan(4), value);
        to.Advance(4);
    }

    public static void Byte(ArrayBufferWriter<byte> to, byte value)
    {
        to.GetSpan(1)[0] = value;
        to.Advance(1);
    }

    /// <summary>A length-prefixed run of bytes.</summary>
    public static void Bytes(ArrayBufferWriter<byte> to, ReadOnlySpan<byte> value)
    {
        Int32(to, value.Length);
        to.Write(value);
    }

    /// <summary>Reads the fields of one file's records in order.</summary>
    internal ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool End => _position >= _data.Length;

        public long Int64()
        {
            long value = BinaryPrimitives.ReadInt64LittleEndian(_data[_position..]);
            _position += 8;
            return value;
        }

        public byte Byte() => _data[_position++];

        public byte[] Bytes()
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(_data[_position..]);
            _position += 4;
            byte[] value = _data.Slice(_position, length).ToArray();
            _position += length;
            return value;
        }

        public int Int32()
        {
            int value = BinaryPrimitives.ReadInt32LittleEndian(_data[_position..]);
            _position += 4;
            return value;
        }
    }
}
