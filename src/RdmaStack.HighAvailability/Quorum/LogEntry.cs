using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// One sequenced message in the replicator's window: the input as the processors get it, each voting processor's
/// response, the external calls, and the decision. Preallocated; reused when the window moves on.
/// </summary>
internal sealed class LogEntry
{
    private readonly byte[] _input;
    private readonly byte[] _responses;
    private readonly int[] _responseLengths;
    private readonly int _maxResponse;
    private int _responded;

    public LogEntry(QuorumOptions options)
    {
        int processors = options.ProcessorCount;
        _maxResponse = options.MaxResponseLength;
        _input = new byte[options.MaxMessageLength];
        _responses = new byte[processors * _maxResponse];
        _responseLengths = new int[processors];
        Calls = new CallVote[options.MaxCallsPerInput];
        for (int i = 0; i < Calls.Length; i++)
        {
            Calls[i] = new CallVote(processors, options.MaxCallResponseLength);
        }
    }

    public long Sequence { get; private set; }

    public long Timestamp { get; private set; }

    public long ClientId { get; private set; }

    public long ClientSequence { get; private set; }

    public ClientLink? Client { get; private set; }

    /// <summary>The <see cref="QuorumMessageType.Input"/> message, encoded once and sent to every processor.</summary>
    public ReadOnlySpan<byte> InputMessage => _input.AsSpan(0, InputLength);

    /// <summary>The client's payload inside <see cref="InputMessage"/>.</summary>
    public ReadOnlySpan<byte> Payload => _input.AsSpan(QuorumOptions.InputHeaderLength, InputLength - QuorumOptions.InputHeaderLength);

    public int InputLength { get; private set; }

    public long StampedAt { get; private set; }

    public long FirstResponseAt { get; set; }

    public long DecidedAt { get; private set; }

    public bool Decided { get; private set; }

    public QuorumReplyStatus Status { get; private set; }

    /// <summary>The processor whose response is the agreed answer (-1 for none).</summary>
    public int AnswerFrom { get; private set; } = -1;

    public int Votes { get; private set; }

    /// <summary>The decision is made but the client's stream did not take the reply yet.</summary>
    public bool AnswerPending { get; set; }

    public CallVote[] Calls { get; }

    /// <summary>The agreed answer (empty without one).</summary>
    public ReadOnlySpan<byte> Answer => AnswerFrom < 0 ? default : ResponseOf(AnswerFrom);

    /// <summary>Fills the entry for a new message and encodes its input.</summary>
    public void Stamp(long sequence, long timestamp, ClientLink client, long clientId, long clientSequence, ReadOnlySpan<byte> payload, long now)
    {
        Sequence = sequence;
        Timestamp = timestamp;
        Client = client;
        ClientId = clientId;
        ClientSequence = clientSequence;
        StampedAt = now;
        FirstResponseAt = 0;
        DecidedAt = 0;
        Decided = false;
        AnswerPending = false;
        AnswerFrom = -1;
        Votes = 0;
        _responded = 0;
        foreach (CallVote call in Calls)
        {
            call.Reset();
        }

        var writer = new WireWriter(_input);
        writer.Byte((byte)QuorumMessageType.Input);
        writer.Int64(sequence);
        writer.Int64(timestamp);
        writer.Int64(clientId);
        writer.Int64(clientSequence);
        writer.Bytes(payload);
        InputLength = writer.Length;
    }

    public bool HasResponded(int processor) => (_responded & (1 << processor)) != 0;

    public ReadOnlySpan<byte> ResponseOf(int processor) => _responses.AsSpan(processor * _maxResponse, _responseLengths[processor]);

    public void StoreResponse(int processor, ReadOnlySpan<byte> response)
    {
        response.CopyTo(_responses.AsSpan(processor * _maxResponse, _maxResponse));
        _responseLengths[processor] = response.Length;
        _responded |= 1 << processor;
    }

    public void Decide(QuorumReplyStatus status, int answerFrom, int votes, long now)
    {
        Decided = true;
        Status = status;
        AnswerFrom = answerFrom;
        Votes = votes;
        DecidedAt = now;
    }

    /// <summary>Drops the client reference so a finished client's streams can go.</summary>
    public void Release() => Client = null;
}
