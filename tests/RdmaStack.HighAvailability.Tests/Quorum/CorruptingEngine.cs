using System.Buffers;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.HighAvailability.Tests.Quorum;

/// <summary>
/// A faulty processor's engine: the state is right but the output bytes of chosen sequences are wrong (a byte flipped
/// by <paramref name="flip"/>), as a bit error or a bug in the output path would make them.
/// </summary>
internal sealed class CorruptingEngine(IDeterministicEngine inner, Func<long, bool> corruptAt, byte flip = 0x5A) : IDeterministicEngine
{
    public int Process(StampedInput input, IExternalCalls calls, Span<byte> output)
    {
        int length = inner.Process(input, calls, output);
        if (length > 0 && corruptAt(input.Sequence))
        {
            output[length / 2] ^= flip;
        }

        return length;
    }

    public ulong ComputeStateDigest() => inner.ComputeStateDigest();

    public void WriteSnapshot(IBufferWriter<byte> destination) => inner.WriteSnapshot(destination);

    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) => inner.RestoreSnapshot(snapshot);
}
