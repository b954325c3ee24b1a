using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Providers.SharedMemory;
using RdmaStack.Transport.FaultInjection;

namespace RdmaStack.Benchmarks;

/// <summary>
/// One message through the queue in one thread: write it (Offer copies, claim/commit writes in place, a batch
/// of 32 is claimed and committed once), then poll it. The baseline copies the same bytes with no queue at
/// all, so the ratio is the queue's cost. <see cref="Checksums"/> false is the shared-memory provider as it
/// runs (store-ordered: no CRC, slots written in place in the reader's ring); true puts a fault injector on
/// the channel, whose writes can tear, so the queue runs as over RDMA (CRC-32C, written through the mirror).
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[BenchmarkCategory("Queue")]
public class QueueBenchmarks
{
    private const int Batch = 32;
    private readonly byte[] _message = new byte[64];
    private readonly byte[] _copyTarget = new byte[128];
    private LocalQueuePair _pair = null!;
    private Sink _sink;

    [Params(64)]
    public int Size { get; set; }

    [Params(false, true)]
    public bool Checksums { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var geometry = new SegmentedQueueGeometry(4, 256, Size);
        Func<IRemoteWriteChannel, IRemoteWriteChannel>? tearing = Checksums ? static c => new FaultInjectingChannel(c, new LinkFaultSwitch()) : null;
        _pair = SharedMemoryProvider.CreateLocalPair(geometry, tearing);
    }

    [GlobalCleanup]
    public void Cleanup() => _pair.Dispose();

    [Benchmark(Baseline = true)]
    public void CopyOnly() => _message.AsSpan(0, Size).CopyTo(_copyTarget);

    [Benchmark]
    public int OfferThenPoll()
    {
        _pair.Writer.Offer(_message.AsSpan(0, Size));
        return _pair.Reader.Poll(ref _sink, 1);
    }

    [Benchmark]
    public int ClaimCommitThenPoll()
    {
        if (_pair.Writer.TryClaim(Size, out SlotClaim claim) > 0)
        {
            claim.Payload[0] = 1;
            _pair.Writer.Commit(claim);
        }

        return _pair.Reader.Poll(ref _sink, 1);
    }

    /// <summary>Per message: a batch of 32 claimed, stamped, committed once, taken and released once.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int BatchClaimCommitThenBatchPoll()
    {
        long first = _pair.Writer.TryClaimBatch(Batch, Size, out SlotBatch batch);
        if (first > 0)
        {
            for (int k = 0; k < batch.Count; k++)
            {
                batch.Payload(k)[0] = (byte)k;
            }

            _pair.Writer.CommitBatch(batch);
        }

        int n = _pair.Reader.PollBatch(Batch, out MessageBatch taken);
        if (n > 0)
        {
            _sink.Bytes += taken.Payload(n - 1).Length;
            _pair.Reader.ReleaseBatch(taken);
        }

        return n;
    }

    private struct Sink : IMessageHandler
    {
        public long Bytes;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => Bytes += payload.Length;
    }
}
