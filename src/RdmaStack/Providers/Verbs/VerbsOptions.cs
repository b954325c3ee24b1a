using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>Queue pair settings of the verbs provider.</summary>
/// <remarks>
/// Failure detection: the requester waits 4.096 us x 2^<see cref="AckTimeoutExponent"/> for an ACK and retries
/// <see cref="RetryCount"/> times, so a dead peer or link shows as an error completion
/// (IBV_WC_RETRY_EXC_ERR) after about (RetryCount + 1) x that: with 14 and 3, 67 ms x 4 = 0.27 s (measured on
/// rxe in the lab: about 0.27 s). rxe retries forever at retry_cnt 7, so the default stays below it.
/// <para>The arithmetic, ack timeout = 4.096 us x 2^timeout, times (retry_cnt + 1) tries:</para>
/// <code>
///   timeout 10:  4.2 ms per try;  retry_cnt 3: 17 ms    (TCG hiccups of some ms would trip it)
///   timeout 12: 16.8 ms per try;  retry_cnt 3: 67 ms    (the failover drill in the lab)
///   timeout 14: 67.1 ms per try;  retry_cnt 3: 268 ms   (the default)
///   any timeout, retry_cnt 7: never on rxe (infinite retry)
/// </code>
/// <para>The failover drill (`rdmastack drill --provider verbs`) uses timeout 12 and retry_cnt 3: a peer that
/// went silent is an error completion after 67 ms, well inside the heartbeat bound, yet 16.8 ms per try is some
/// hundred times the 30-60 us round trip under TCG and above its millisecond hiccups, so a slow ACK is retried,
/// not mistaken for a dead link. A link going down on this side does not wait for either: rxe fails the posted
/// writes at once (status 2, local QP operation error, within 1-3 ms in the lab) and raises
/// IBV_EVENT_PORT_ERR about 0.2 s later.</para>
/// </remarks>
public sealed record VerbsOptions
{
    /// <summary>Work requests asked for per send queue; the queue pair's real max_send_wr becomes the channel's
    /// <see cref="IRemoteWriteChannel.SendQueueDepth"/>.</summary>
    public int SendQueueDepth { get; init; } = 256;

    /// <summary>Bytes of inline data asked for (a write that fits is copied into the work request, so its
    /// source can be reused at once); at least 8 so that the head write is always inline.</summary>
    public int MaxInlineData { get; init; } = 256;

    /// <summary>Signal every Nth slot write (selective signaling).</summary>
    public int SignalInterval { get; init; } = 16;

    /// <summary>The ACK timeout exponent (qp_attr.timeout): 4.096 us x 2^value.</summary>
    public int AckTimeoutExponent { get; init; } = 14;

    /// <summary>Transport retries before an error completion (qp_attr.retry_cnt, 0 to 7).</summary>
    public int RetryCount { get; init; } = 3;

    /// <summary>Polls of a slot whose CRC fails before the reader counts it corrupt (see
    /// <see cref="Queues.SegmentedQueueReader.ChecksumRetryLimit"/>). A slot still being written fails its CRC
    /// until the write has landed; under emulation (the Soft-RoCE lab under TCG) a write can take milliseconds
    /// to land while the reader polls, so tests there raise this.</summary>
    public int ChecksumRetryLimit { get; init; } = Queues.SegmentedQueueReader.DefaultChecksumRetryLimit;

    /// <summary>The least time a slot must keep failing its CRC before the reader counts it corrupt (see
    /// <see cref="Queues.SegmentedQueueReader.ChecksumTimeout"/>). An RDMA WRITE's bytes land in no promised order
    /// and, on an emulated NIC under load, over milliseconds; 20 ms keeps a slot still landing from being
    /// reported as corrupt (which would cost a needless failover) while a real corruption is still found fast.</summary>
    public TimeSpan ChecksumTimeout { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The defaults.</summary>
    public static VerbsOptions Default { get; } = new();
}
