using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// One external call (sequence, call index) as the replicator votes on it: each voting processor's request digest,
/// then the one result every processor is handed.
/// </summary>
internal sealed class CallVote
{
    private readonly ulong[] _requests;
    private readonly byte[] _response;
    private int _asked;

    public CallVote(int processors, int maxResponse)
    {
        _requests = new ulong[processors];
        _response = new byte[maxResponse];
    }

    /// <summary>Whether the call was executed or refused.</summary>
    public bool Resolved { get; private set; }

    /// <summary>Whether the service executed it (false: refused without a call).</summary>
    public bool Executed { get; private set; }

    /// <summary>Whether any processor asked for it.</summary>
    public bool AnyAsked => _asked != 0;

    /// <summary>The request digest the result was executed for (0 if refused).</summary>
    public ulong ResolvedDigest { get; private set; }

    /// <summary>The result.</summary>
    public ExternalCallResult Result { get; private set; }

    /// <summary>The result's response bytes.</summary>
    public ReadOnlySpan<byte> Response => _response.AsSpan(0, Result.Length);

    /// <summary>The response buffer an execution writes into.</summary>
    public Span<byte> ResponseBuffer => _response;

    /// <summary>Whether processor <paramref name="processor"/> asked for the call.</summary>
    public bool HasAsked(int processor) => (_asked & (1 << processor)) != 0;

    /// <summary>Processor <paramref name="processor"/>'s request digest.</summary>
    public ulong RequestOf(int processor) => _requests[processor];

    /// <summary>Records processor <paramref name="processor"/>'s request.</summary>
    public void Ask(int processor, ulong digest)
    {
        _requests[processor] = digest;
        _asked |= 1 << processor;
    }

    /// <summary>Records the outcome (the response bytes are already in <see cref="ResponseBuffer"/>).</summary>
    public void Resolve(ExternalCallResult result, ulong digest, bool executed)
    {
        Result = result;
        ResolvedDigest = digest;
        Executed = executed;
        Resolved = true;
    }

    public void Reset()
    {
        _asked = 0;
        Resolved = false;
        Executed = false;
        ResolvedDigest = 0;
        Result = default;
    }
}
