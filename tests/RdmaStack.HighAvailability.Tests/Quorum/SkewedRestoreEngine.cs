using System.Buffers;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.HighAvailability.Tests.Quorum;

/// <summary>An engine whose restore goes wrong: after a snapshot is installed its state digest is not the donor's.</summary>
internal sealed class SkewedRestoreEngine(IDeterministicEngine inner) : IDeterministicEngine
{
    private bool _restored;

    public int Restores { get; private set; }

    public int Process(StampedInput input, IExternalCalls calls, Span<byte> output) => inner.Process(input, calls, output);

    public ulong ComputeStateDigest() => inner.ComputeStateDigest() ^ (_restored ? 1UL : 0UL);

    public void WriteSnapshot(IBufferWriter<byte> destination) => inner.WriteSnapshot(destination);

    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot)
    {
        inner.RestoreSnapshot(snapshot);
        _restored = true;
        Restores++;
    }
}
