using System.Buffers;
using System.Buffers.Binary;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>An engine that answers each input with its payload and folds it into its state: allocates nothing.</summary>
internal sealed class EchoEngine : IDeterministicEngine
{
    private ulong _state;

    public int Process(StampedInput input, IExternalCalls calls, Span<byte> output)
    {
        var digest = new DigestBuilder(_state);
        digest.Add(input.Sequence);
        digest.Add(input.Payload);
        _state = digest.Value;
        input.Payload.CopyTo(output);
        return input.Payload.Length;
    }

    public ulong ComputeStateDigest() => _state;

    public void WriteSnapshot(IBufferWriter<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination.GetSpan(8), _state);
        destination.Advance(8);
    }

    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) => _state = BinaryPrimitives.ReadUInt64LittleEndian(snapshot);
}
