using System.Buffers.Binary;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Journal;

/// <summary>
/// A transaction record (the "mirrored record" of one processed input): the stamped input, the results of its
/// external calls in call order, and its output. A view over the body bytes.
/// </summary>
internal readonly ref struct JournalTransaction
{
    private readonly ReadOnlySpan<byte> _calls;

    private JournalTransaction(StampedInput input, int callCount, ReadOnlySpan<byte> calls, ReadOnlySpan<byte> output)
    {
        Input = input;
        CallCount = callCount;
        _calls = calls;
        Output = output;
    }

    public StampedInput Input { get; }

    public int CallCount { get; }

    /// <summary>The encoded call results: (status u8 | length i32 | response)*.</summary>
    public ReadOnlySpan<byte> Calls => _calls;

    public ReadOnlySpan<byte> Output { get; }

    /// <summary>Bytes of a body holding these parts (<paramref name="callsLength"/>: the encoded results).</summary>
    public static int BodyLength(int inputLength, int callsLength, int outputLength) =>
        1 + (4 * 8) + 4 + inputLength + 4 + callsLength + 4 + outputLength;

    /// <summary>Writes a body; returns its length.</summary>
    public static int Write(Span<byte> body, StampedInput input, int callCount, ReadOnlySpan<byte> calls, ReadOnlySpan<byte> output)
    {
        var writer = new WireWriter(body);
        writer.Byte(JournalFormat.TransactionKind);
        writer.Int64(input.Sequence);
        writer.Int64(input.Timestamp);
        writer.Int64(input.ClientId);
        writer.Int64(input.ClientSequence);
        writer.Int32(input.Payload.Length);
        writer.Bytes(input.Payload);
        writer.Int32(callCount);
        writer.Bytes(calls);
        writer.Int32(output.Length);
        writer.Bytes(output);
        return writer.Length;
    }

    /// <summary>Reads a body written by <see cref="Write"/>; false when it does not parse.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out JournalTransaction transaction)
    {
        transaction = default;
        try
        {
            var reader = new WireReader(body);
            if (reader.Byte() != JournalFormat.TransactionKind)
            {
                return false;
            }

            long sequence = reader.Int64();
            long timestamp = reader.Int64();
            long clientId = reader.Int64();
            long clientSequence = reader.Int64();
            ReadOnlySpan<byte> payload = reader.Bytes(reader.Int32());
            int callCount = reader.Int32();
            ReadOnlySpan<byte> rest = reader.Rest();
            int callsLength = 0;
            for (int i = 0; i < callCount; i++)
            {
                callsLength += 5 + BinaryPrimitives.ReadInt32LittleEndian(rest[(callsLength + 1)..]);
            }

            var tail = new WireReader(rest[callsLength..]);
            ReadOnlySpan<byte> output = tail.Bytes(tail.Int32());
            transaction = new JournalTransaction(
                new StampedInput(sequence, timestamp, clientId, clientSequence, payload), callCount, rest[..callsLength], output);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Appends one call result to an encoded list; returns the bytes written.</summary>
    public static int WriteCall(Span<byte> destination, ExternalCallStatus status, ReadOnlySpan<byte> response)
    {
        destination[0] = (byte)status;
        BinaryPrimitives.WriteInt32LittleEndian(destination[1..], response.Length);
        response.CopyTo(destination[5..]);
        return 5 + response.Length;
    }

    /// <summary>Reads the call result at <paramref name="offset"/> of an encoded list and moves past it.</summary>
    public static ExternalCallStatus ReadCall(ReadOnlySpan<byte> calls, ref int offset, out ReadOnlySpan<byte> response)
    {
        var status = (ExternalCallStatus)calls[offset];
        int length = BinaryPrimitives.ReadInt32LittleEndian(calls[(offset + 1)..]);
        response = calls.Slice(offset + 5, length);
        offset += 5 + length;
        return status;
    }
}
