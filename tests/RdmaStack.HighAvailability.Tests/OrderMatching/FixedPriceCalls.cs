using System.Buffers.Binary;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.HighAvailability.Tests.OrderMatching;

/// <summary>External calls for an engine under test: a fixed reference price, or no answer.</summary>
internal sealed class FixedPriceCalls(long price) : IExternalCalls
{
    public long Price { get; set; } = price;

    public bool Unavailable { get; set; }

    public int Calls { get; private set; }

    public ExternalCallResult Invoke(int service, ReadOnlySpan<byte> request, Span<byte> response)
    {
        Calls++;
        if (Unavailable)
        {
            return ExternalCallResult.NotExecuted;
        }

        BinaryPrimitives.WriteInt64LittleEndian(response, Price);
        return ExternalCallResult.Completed(8);
    }
}
