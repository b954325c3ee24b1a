using System.Buffers;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>How <see cref="SkewedEngine"/> strays from the order book at one sequence.</summary>
public enum Skew
{
    /// <summary>Makes one external call more than the primary, after the book's own.</summary>
    ExtraCall,

    /// <summary>Makes a call of its own first, with a request the primary never sent.</summary>
    OtherRequest,
}

/// <summary>
/// The order book, except that at the first new order from <c>fromSequence</c> on (an input on which the book
/// itself calls out once) it calls out differently: a service that is not deterministic.
/// </summary>
internal sealed class SkewedEngine(Skew skew, long fromSequence) : IDeterministicEngine
{
    private readonly OrderMatchingEngine _book = new();

    /// <summary>The sequence at which it strayed (0: not yet).</summary>
    public long SkewedAt { get; private set; }

    public int Process(StampedInput input, IExternalCalls calls, Span<byte> output)
    {
        bool stray = SkewedAt == 0 && input.Sequence >= fromSequence && input.Payload[0] == (byte)OrderCommand.New;
        if (stray)
        {
            SkewedAt = input.Sequence;
        }

        Span<byte> scratch = stackalloc byte[8];
        if (stray && skew == Skew.OtherRequest)
        {
            calls.Invoke(OrderMatchingEngine.ReferencePriceServiceIndex, [9, 9, 9, 9], scratch);
        }

        int length = _book.Process(input, calls, output);
        if (stray && skew == Skew.ExtraCall)
        {
            calls.Invoke(OrderMatchingEngine.ReferencePriceServiceIndex, [1, 0, 0, 0], scratch);
        }

        return length;
    }

    public ulong ComputeStateDigest() => _book.ComputeStateDigest();

    public void WriteSnapshot(IBufferWriter<byte> destination) => _book.WriteSnapshot(destination);

    public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) => _book.RestoreSnapshot(snapshot);
}
