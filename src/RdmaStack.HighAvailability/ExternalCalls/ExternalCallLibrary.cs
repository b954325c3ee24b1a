using System.Buffers;
using RdmaStack.HighAvailability.Journal;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.ExternalCalls;

/// <summary>
/// The <see cref="IExternalCalls"/> a replica hands its engine: numbers each call of the current input, asks
/// the replica to perform it in its current role (or serves it from a journal record during replay), and keeps
/// the results for the input's transaction record.
/// </summary>
internal sealed class ExternalCallLibrary : IExternalCalls
{
    private readonly ReplicaNode _node;
    private readonly int _maxResponse;
    private readonly ArrayBufferWriter<byte> _results = new(1024);
    private byte[] _replay = [];
    private int _replayLength;
    private int _replayOffset;
    private int _replayCount;
    private long _sequence;
    private int _next;

    public ExternalCallLibrary(ReplicaNode node, int maxResponse)
    {
        _node = node;
        _maxResponse = maxResponse;
    }

    /// <summary>Calls made for the current input.</summary>
    public int CallCount => _next;

    /// <summary>The results of the current input's calls, encoded as in a journal record.</summary>
    public ReadOnlySpan<byte> EncodedResults => _results.WrittenSpan;

    /// <summary>Whether calls are served from a journal record.</summary>
    public bool Replaying { get; private set; }

    public void Begin(long sequence)
    {
        _sequence = sequence;
        _next = 0;
        _results.ResetWrittenCount();
        _replayOffset = 0;
    }

    /// <summary>Serves the next input's calls from a journal record's results.</summary>
    public void BeginReplay(ReadOnlySpan<byte> calls, int count)
    {
        if (_replay.Length < calls.Length)
        {
            _replay = new byte[calls.Length];
        }

        calls.CopyTo(_replay);
        _replayLength = calls.Length;
        _replayCount = count;
        Replaying = true;
    }

    public void EndReplay() => Replaying = false;

    public ExternalCallResult Invoke(int service, ReadOnlySpan<byte> request, Span<byte> response)
    {
        var key = new ExternalCallKey(_sequence, _next++);
        Span<byte> destination = response.Length > _maxResponse ? response[.._maxResponse] : response;
        ExternalCallResult result = Replaying ? Replay(key, destination) : _node.PerformCall(key, service, request, destination);
        Span<byte> record = _results.GetSpan(5 + result.Length);
        _results.Advance(JournalTransaction.WriteCall(record, result.Status, destination[..result.Length]));
        return result;
    }

    private ExternalCallResult Replay(ExternalCallKey key, Span<byte> response)
    {
        if (key.CallIndex >= _replayCount)
        {
            ThrowHelper.ThrowReplayMismatch(key.Sequence, "the engine made more external calls than the record holds");
        }

        ExternalCallStatus status = JournalTransaction.ReadCall(_replay.AsSpan(0, _replayLength), ref _replayOffset, out ReadOnlySpan<byte> recorded);
        recorded.CopyTo(response);
        return new ExternalCallResult(status, recorded.Length);
    }
}
