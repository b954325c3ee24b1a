using System.Buffers;
using System.Diagnostics;
using HdrHistogram;
using RdmaStack.HighAvailability.Quorum;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>A client process's replies: each recorded for the answer check, counted by status, checked to come once
/// and for a message that was sent, and timed from its send.</summary>
internal sealed class ClientAnswers(OrderGenerator source, int count) : IQuorumReplyHandler
{
    private readonly long[] _sentAt = new long[count + 1];
    private readonly bool[] _answered = new bool[count + 1];
    private readonly double _nsPerTick = 1e9 / Stopwatch.Frequency;

    public ArrayBufferWriter<byte> Records { get; } = new(1 << 16);

    public LongHistogram RoundTrip { get; } = new(60_000_000_000L, 3);

    public long Answered { get; private set; }

    public long Agreed { get; private set; }

    public long NoQuorum { get; private set; }

    public long Rejected { get; private set; }

    public long Duplicated { get; private set; }

    /// <summary>Replies for a client sequence never sent.</summary>
    public long Unknown { get; private set; }

    public void Sent(long clientSequence) => _sentAt[clientSequence] = Stopwatch.GetTimestamp();

    public void OnReply(QuorumReply reply)
    {
        long now = Stopwatch.GetTimestamp();
        RunRecords.Int64(Records, reply.ClientSequence);
        RunRecords.Int64(Records, reply.Sequence);
        RunRecords.Byte(Records, (byte)reply.Status);
        RunRecords.Bytes(Records, reply.Response);
        if (reply.ClientSequence < 1 || reply.ClientSequence >= _sentAt.Length || _sentAt[reply.ClientSequence] == 0)
        {
            Unknown++;
            return;
        }

        if (_answered[reply.ClientSequence])
        {
            Duplicated++;
            return;
        }

        _answered[reply.ClientSequence] = true;
        Answered++;
        RoundTrip.RecordValue(Math.Max(1, (long)((now - _sentAt[reply.ClientSequence]) * _nsPerTick)));
        switch (reply.Status)
        {
            case QuorumReplyStatus.Agreed:
                Agreed++;
                source.OnReply(reply.Response);
                break;
            case QuorumReplyStatus.NoQuorum:
                NoQuorum++;
                break;
            default:
                Rejected++;
                break;
        }
    }
}
