using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Providers.SharedMemory;

namespace RdmaStack.Benchmarks;

/// <summary>
/// One message through the queue in one thread: write it (Offer copies, claim/commit writes in place),
/// then poll it. The baseline copies the same bytes with no queue at all, so the ratio is the queue's cost.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[BenchmarkCategory("Queue")]
public class QueueBenchmarks
{
    private readonly byte[] _message = new byte[64];
    private readonly byte[] _copyTarget = new byte[128];
    private SegmentedQueueWriter _writer = null!;
    private SegmentedQueueReader _reader = null!;
    private Sink _sink;

    [Params(64)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var geometry = new SegmentedQueueGeometry(4, 256, Size);
        MemoryRegion ring = MemoryRegion.AllocatePrivate(geometry.RingRegionLength, "bench ring");
        MemoryRegion control = MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "bench control");
        var ringChannel = new SharedMemoryChannel(MemoryRegion.AllocatePrivate(geometry.RingRegionLength, "bench mirror"), ring.Share());
        var headChannel = new SharedMemoryChannel(MemoryRegion.AllocatePrivate(ControlBlockDescriptor.Length, "bench head"), control.Share());
        _writer = new SegmentedQueueWriter(geometry, ringChannel, control);
        _reader = new SegmentedQueueReader(geometry, ring, headChannel);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _reader.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void CopyOnly() => _message.AsSpan(0, Size).CopyTo(_copyTarget);

    [Benchmark]
    public int OfferThenPoll()
    {
        _writer.Offer(_message.AsSpan(0, Size));
        return _reader.Poll(ref _sink, 1);
    }

    [Benchmark]
    public int ClaimCommitThenPoll()
    {
        if (_writer.TryClaim(Size, out SlotClaim claim) > 0)
        {
            claim.Payload[0] = 1;
            _writer.Commit(claim);
        }

        return _reader.Poll(ref _sink, 1);
    }

    private struct Sink : IMessageHandler
    {
        public long Bytes;

        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => Bytes += payload.Length;
    }
}
