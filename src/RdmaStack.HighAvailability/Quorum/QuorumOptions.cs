using RdmaStack.Threading;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// Settings of a quorum-replicated service: the replicator, its processors and its clients should use the same.
/// </summary>
public sealed record QuorumOptions
{
    /// <summary>Header bytes of an input as the processors get it (type, sequence, timestamp, client id, client sequence).</summary>
    internal const int InputHeaderLength = 1 + (4 * 8);

    /// <summary>Header bytes of a processor's response (type, sequence).</summary>
    internal const int ResponseHeaderLength = 1 + 8;

    /// <summary>Header bytes of a reply to a client (type, client sequence, sequence, status).</summary>
    internal const int ReplyHeaderLength = 1 + 8 + 8 + 1;

    /// <summary>Header bytes of an external call's result (type, sequence, call index, status).</summary>
    internal const int CallResultHeaderLength = 1 + 8 + 4 + 1;

    /// <summary>Header bytes of an external call's request (type, sequence, call index, service).</summary>
    internal const int CallRequestHeaderLength = 1 + 8 + 4 + 4;

    /// <summary>The most processors a replicator votes over.</summary>
    public const int MaxProcessors = 15;

    /// <summary>N, the processors every message goes to (3 or 5 are the usual choices); default 3.</summary>
    public int ProcessorCount { get; init; } = 3;

    /// <summary>
    /// Identical responses needed to answer a client: 0 (the default) means a majority, N/2 + 1. Any value from the
    /// majority to N (unanimity) may be set; less than a majority is refused, because two disjoint groups could then
    /// each reach it with different answers.
    /// </summary>
    public int Quorum { get; init; }

    /// <summary>The quorum in effect: <see cref="Quorum"/>, or the majority when it is 0.</summary>
    public int EffectiveQuorum => Quorum == 0 ? (ProcessorCount / 2) + 1 : Quorum;

    /// <summary>The largest message on any stream (at most the transport's slot payload); default 1024.</summary>
    public int MaxMessageLength { get; init; } = 1024;

    /// <summary>The largest client payload: it must fit an input.</summary>
    public int MaxRequestLength => MaxMessageLength - InputHeaderLength;

    /// <summary>The largest response a processor may write for one input: it must fit a reply.</summary>
    public int MaxResponseLength => MaxMessageLength - ReplyHeaderLength;

    /// <summary>
    /// Sequences in flight: the replicator keeps each sequenced message (for voting, late responses and joining
    /// processors) until it is decided, answered and every voting processor responded; a processor that holds the
    /// oldest one back when a new message needs its place is ejected as lagging. Default 1024.
    /// </summary>
    public int Window { get; init; } = 1024;

    /// <summary>The most external calls an engine makes for one input; default 4.</summary>
    public int MaxCallsPerInput { get; init; } = 4;

    /// <summary>The largest response of one external call; default 256 bytes.</summary>
    public int MaxCallResponseLength { get; init; } = 256;

    /// <summary>K: disagreements within <see cref="DisagreementWindow"/> sequences that eject a processor; default 3.</summary>
    public int DisagreementLimit { get; init; } = 3;

    /// <summary>The window, in sequences, over which <see cref="DisagreementLimit"/> disagreements eject; default 1000.</summary>
    public long DisagreementWindow { get; init; } = 1000;

    /// <summary>Processors and the replicator each send a heartbeat when they sent nothing else for this long; default 2 ms.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// A processor the replicator heard nothing from (responses, heartbeats) for this long is taken for dead and
    /// ejected; default 500 ms. Keep it above the host's scheduling noise: an ejection of a live processor costs a
    /// state transfer, never an answer.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A sequence with no quorum this long after it was stamped is answered with
    /// <see cref="QuorumReplyStatus.NoQuorum"/>; default 5 s.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// At start the replicator waits for every processor's hello this long at most, then starts with those that
    /// came if they make a quorum with identical initial digests; a processor waits this long for the replicator's
    /// first message before it stops (the replicator may start after it); default 30 s.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A processor that heard from the replicator and then nothing for this long stops; default 10 s.</summary>
    public TimeSpan ReplicatorTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest engine snapshot a state transfer carries; default 64 MiB.</summary>
    public int MaxSnapshotLength { get; init; } = 64 << 20;

    /// <summary>The clock for timestamps, heartbeats and timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Creates the idle strategy of a replicator's, processor's or client's thread. Default: spin 100 passes, yield
    /// 20, then sleep 1 ms, so that a replicator, three processors and clients share two cores; pass a busy-spin
    /// strategy for threads on dedicated cores.
    /// </summary>
    public Func<IIdleStrategy> IdleStrategy { get; init; } =
        static () => RdmaStack.Threading.IdleStrategy.Backoff(100, 20, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ProcessorCount, 1, nameof(ProcessorCount));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ProcessorCount, MaxProcessors, nameof(ProcessorCount));
        if (Quorum != 0 && (Quorum <= ProcessorCount / 2 || Quorum > ProcessorCount))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Quorum), Quorum, $"The quorum must be 0 (a majority) or from a majority, {(ProcessorCount / 2) + 1}, to ProcessorCount, {ProcessorCount}: a smaller one could be reached by two groups with different answers.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageLength, 128, nameof(MaxMessageLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, 2, nameof(Window));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCallsPerInput, 0, nameof(MaxCallsPerInput));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxCallResponseLength, nameof(MaxCallResponseLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxCallResponseLength, MaxMessageLength - CallResultHeaderLength, nameof(MaxCallResponseLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(DisagreementLimit, 1, nameof(DisagreementLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(DisagreementWindow, 1, nameof(DisagreementWindow));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero, nameof(HeartbeatInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatTimeout, HeartbeatInterval, nameof(HeartbeatTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ResponseTimeout, TimeSpan.Zero, nameof(ResponseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StartTimeout, TimeSpan.Zero, nameof(StartTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReplicatorTimeout, HeartbeatInterval, nameof(ReplicatorTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSnapshotLength, 1, nameof(MaxSnapshotLength));
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(IdleStrategy);
    }
}
