using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Tests.Cli.Ha;

/// <summary>One test client's orders (the sample's seeded generator) and every reply it saw, each checked to come once.</summary>
internal sealed class ClientFlow : IReplyHandler
{
    private readonly OrderGenerator _generator;
    private readonly IReadOnlyList<byte[]>? _replay;
    private byte[]? _held;

    /// <summary>A new flow of orders.</summary>
    public ClientFlow(int seed) => _generator = new OrderGenerator(seed);

    /// <summary>A flow that sends <paramref name="orders"/> again, in order (a restarted client resending).</summary>
    public ClientFlow(IReadOnlyList<byte[]> orders)
        : this(seed: 0) => _replay = orders;

    public List<byte[]> Requests { get; } = [];

    public Dictionary<long, (ReplyStatus Status, long Record, byte[] Output)> Replies { get; } = [];

    public int DuplicateReplies { get; private set; }

    public int Submitted => Requests.Count;

    public int Answered => Replies.Count;

    /// <summary>The next order: the one a full window refused last time, or a new one.</summary>
    public int Next(Span<byte> destination)
    {
        if (_held is null)
        {
            _held = _replay is not null ? _replay[Requests.Count] : destination[.._generator.Next(destination)].ToArray();
        }

        _held.CopyTo(destination);
        return _held.Length;
    }

    /// <summary>The order <see cref="Next"/> gave was submitted.</summary>
    public void Sent()
    {
        Requests.Add(_held!);
        _held = null;
    }

    public void OnReply(long clientSequence, ReplyStatus status, long recordSequence, ReadOnlySpan<byte> output)
    {
        if (!Replies.TryAdd(clientSequence, (status, recordSequence, output.ToArray())))
        {
            DuplicateReplies++;
            return;
        }

        if (status == ReplyStatus.Processed)
        {
            _generator.OnReply(output);
        }
    }
}
