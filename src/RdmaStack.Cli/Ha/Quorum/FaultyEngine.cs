using System.Buffers;
using System.Diagnostics;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// A processor's engine with the run's injected faults: every <paramref name="corruptEvery"/>-th output (by sequence)
/// comes out with a byte flipped (0: never), and each input takes <paramref name="slowMicros"/> longer (spinning, as
/// a slow core would). The state itself stays right, so the processor passes a state transfer and is admitted again.
/// </summary>
internal sealed class FaultyEngine(IDeterministicEngine inner, int corruptEvery, int slowMicros) : IDeterministicEngine
{
    private readonly long _slowTicks = slowMicros * Stopwatch.Frequency / 1_000_000;

    public int Process(StampedInput input, IExternalCalls calls, Span<byte> output)
    {
        int length = inner.Process(input, calls, output);
        if (corruptEvery > 0 && length > 0 && input.Sequence % corruptEvery == 0)
        {
            output[length - 1] ^= 0xFF;
        }

        if (_slowTicks > 0)
        {
            long until = Stopwatch.GetTimestamp() + _slowTicks;
            while (Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(20);
            }
        }

        return length;
    }

    public ulong ComputeStateDigest() => inner.ComputeStateDigest();

    public void WriteSnapshot(IBufferWriter<byte> destination) => inner.WriteSnapshot(destination);

    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) => inner.RestoreSnapshot(snapshot);
}
