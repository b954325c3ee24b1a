using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// One client's orders (seeded, reproducible): new orders around the reference price (a few outside its band),
/// cancels and replaces of its own resting orders; and every reply it saw, checked to come once.
/// </summary>
internal sealed class OrderFlow : IReplyHandler
{
    private readonly OrderGenerator _generator;

    public OrderFlow(int seed) => _generator = new OrderGenerator(seed);

    public Dictionary<long, byte[]> Requests { get; } = [];

    public Dictionary<long, byte[]> Replies { get; } = [];

    public Dictionary<long, long> RecordSequences { get; } = [];

    public int DuplicateReplies { get; private set; }

    public int Submitted => Requests.Count;

    public int Next(Span<byte> destination) => _generator.Next(destination);

    public void OnReply(long clientSequence, ReplyStatus status, long recordSequence, ReadOnlySpan<byte> output)
    {
        if (!Replies.TryAdd(clientSequence, output.ToArray()))
        {
            DuplicateReplies++;
            return;
        }

        RecordSequences[clientSequence] = recordSequence;
        if (status == ReplyStatus.Processed)
        {
            _generator.OnReply(output);
        }
    }
}
