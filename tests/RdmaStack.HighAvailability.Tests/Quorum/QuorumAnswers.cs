using RdmaStack.HighAvailability.Quorum;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Tests.Replication;

namespace RdmaStack.HighAvailability.Tests.Quorum;

/// <summary>Every reply a quorum client saw, by client sequence; a second reply to the same message is counted.</summary>
internal sealed class QuorumAnswers : IQuorumReplyHandler
{
    private readonly Dictionary<long, Answer> _answers = [];
    private readonly Queue<long> _unfed = new();

    public int Count => _answers.Count;

    public int Duplicates { get; private set; }

    public IReadOnlyDictionary<long, Answer> All => _answers;

    public IEnumerable<Answer> WithStatus(QuorumReplyStatus status) => _answers.Values.Where(a => a.Status == status);

    public void OnReply(QuorumReply reply)
    {
        if (!_answers.TryAdd(reply.ClientSequence, new Answer(reply.Sequence, reply.Status, reply.Response.ToArray())))
        {
            Duplicates++;
            return;
        }

        _unfed.Enqueue(reply.ClientSequence);
    }

    /// <summary>Tells the order flow of the new agreed replies (it tracks the client's resting orders from them).</summary>
    public void FeedTo(OrderFlow flow)
    {
        while (_unfed.TryDequeue(out long clientSequence))
        {
            Answer answer = _answers[clientSequence];
            ReplyStatus status = answer.Status == QuorumReplyStatus.Agreed ? ReplyStatus.Processed : ReplyStatus.Rejected;
            flow.OnReply(clientSequence, status, answer.Sequence, answer.Response);
        }
    }

    internal sealed record Answer(long Sequence, QuorumReplyStatus Status, byte[] Response);
}
