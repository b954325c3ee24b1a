using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// The order book with a determinism bug: on a cancel it reads the wall clock directly (instead of the input's
/// stamp) and puts it in its reply. Remembers every input and output, to find where replicas really differ.
/// </summary>
internal sealed class WallClockEngine : IDeterministicEngine
{
    private readonly OrderMatchingEngine _book = new();

    public ConcurrentDictionary<long, (byte Command, byte[] Output)> Outputs { get; } = new();

    public int Process(StampedInput input, IExternalCalls calls, Span<byte> output)
    {
        int length = _book.Process(input, calls, output);
        if (input.Payload[0] == (byte)OrderCommand.Cancel)
        {
            BinaryPrimitives.WriteInt64LittleEndian(output[length..], DateTime.UtcNow.Ticks);
            length += 8;
        }

        Outputs[input.Sequence] = (input.Payload[0], output[..length].ToArray());
        return length;
    }

    public ulong ComputeStateDigest() => _book.ComputeStateDigest();

    public void WriteSnapshot(IBufferWriter<byte> destination) => _book.WriteSnapshot(destination);

    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) => _book.RestoreSnapshot(snapshot);
}
