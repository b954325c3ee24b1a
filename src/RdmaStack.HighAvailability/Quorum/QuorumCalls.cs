using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>The <see cref="IExternalCalls"/> a quorum processor hands its engine: numbers the calls of the current
/// input and has the replicator resolve each.</summary>
internal sealed class QuorumCalls(QuorumProcessor processor, int maxResponse) : IExternalCalls
{
    private long _sequence;
    private int _next;

    public void Begin(long sequence)
    {
        _sequence = sequence;
        _next = 0;
    }

    public ExternalCallResult Invoke(int service, ReadOnlySpan<byte> request, Span<byte> response)
    {
        var key = new ExternalCallKey(_sequence, _next++);
        return processor.PerformCall(key, service, request, response.Length > maxResponse ? response[..maxResponse] : response);
    }
}
