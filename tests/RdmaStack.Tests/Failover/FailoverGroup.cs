using RdmaStack.Failover;
using RdmaStack.Providers.SharedMemory;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.FaultInjection;

namespace RdmaStack.Tests.Failover;

/// <summary>
/// A failover writer and reader over <see cref="FaultInjectedLinks"/> (or, from <see cref="InPlace"/>, over shared-memory
/// links written in place), driven by a manual clock, with a stream checker.
/// </summary>
internal sealed class FailoverGroup : IDisposable
{
    private readonly FaultInjectedLinks? _links;
    private readonly IReadOnlyList<LocalQueuePair> _pairs = [];

    public FailoverGroup(int links = 2, SegmentedQueueGeometry? geometry = null, FailoverOptions? options = null, int checksumRetryLimit = 4, int maxHeld = 4096)
    {
        Geometry = geometry ?? new SegmentedQueueGeometry(4, 8, 16);
        _links = new FaultInjectedLinks(links, Geometry, checksumRetryLimit, signalInterval: 4, maxHeld);
        Options = options ?? new FailoverOptions();
        Writer = new FailoverWriter(_links.Writers, Options, Clock);
        Reader = new FailoverReader(_links.Readers, Options, Clock);
    }

    private FailoverGroup(IReadOnlyList<LocalQueuePair> pairs, SegmentedQueueGeometry geometry)
    {
        _pairs = pairs;
        Geometry = geometry;
        Options = new FailoverOptions();
        Writer = new FailoverWriter([.. pairs.Select(p => p.Writer)], Options, Clock);
        Reader = new FailoverReader([.. pairs.Select(p => p.Reader)], Options, Clock);
    }

    /// <summary>A group over <paramref name="links"/> shared-memory links whose writers write in place in the reader's
    /// ring (no fault injection: its channels post). The groups own the links' writers and readers.</summary>
    public static FailoverGroup InPlace(int links = 2, SegmentedQueueGeometry? geometry = null)
    {
        SegmentedQueueGeometry shape = geometry ?? new SegmentedQueueGeometry(4, 8, 16);
        var pairs = new List<LocalQueuePair>();
        for (int i = 0; i < links; i++)
        {
            pairs.Add(SharedMemoryProvider.CreateLocalPair(shape));
            Assert.True(pairs[i].Writer.WritesInPlace);
        }

        return new FailoverGroup(pairs, shape);
    }

    public ManualClock Clock { get; } = new();

    public SegmentedQueueGeometry Geometry { get; }

    public FailoverOptions Options { get; }

    public IReadOnlyList<LinkFaultSwitch> Switches => Injected.Switches;

    public IReadOnlyList<FaultInjectingChannel> Slots => Injected.SlotChannels;

    public IReadOnlyList<FaultInjectingChannel> Heads => Injected.HeadChannels;

    /// <summary>The reader's ring of link <paramref name="link"/> of an in-place group, as first connected.</summary>
    public MemoryRegion Ring(int link) => _pairs[link].Ring;

    private FaultInjectedLinks Injected => _links ?? throw new InvalidOperationException("An in-place group has no fault injection.");

    public FailoverWriter Writer { get; }

    public FailoverReader Reader { get; }

    public List<long> Delivered { get; } = [];

    public long Sent { get; private set; }

    public static byte[] Message(long sequence) => BitConverter.GetBytes(sequence * 7919);

    /// <summary>Offers the next message; true if accepted.</summary>
    public bool TryOffer()
    {
        long status = Writer.Offer(Message(Sent + 1));
        if (status > 0)
        {
            Assert.Equal(Sent + 1, status);
            Sent++;
            return true;
        }

        return false;
    }

    /// <summary>Offers <paramref name="count"/> messages, polling and maintaining both ends as needed.</summary>
    public void Send(int count)
    {
        long target = Sent + count;
        int idle = 0;
        while (Sent < target)
        {
            if (!TryOffer())
            {
                Pump();
                Assert.True(++idle < 10_000, $"stuck at {Sent}: writer {Writer.Status}, reader at {Reader.Position}");
            }
        }
    }

    /// <summary>One round of the reader's and writer's loops.</summary>
    public int Pump(int limit = int.MaxValue)
    {
        var handler = new Recorder(Delivered);
        int n = Reader.Poll(ref handler, limit);
        Reader.Maintain();
        Writer.Maintain();
        return n;
    }

    /// <summary>One poll of the reader alone, without either end's housekeeping.</summary>
    public int PollOnly()
    {
        var handler = new Recorder(Delivered);
        return Reader.Poll(ref handler);
    }

    /// <summary>Polls until the reader has everything sent (or gives up).</summary>
    public void Drain()
    {
        for (int i = 0; i < 10_000 && Reader.Position < Sent; i++)
        {
            Pump();
        }
    }

    /// <summary>Every sequence 1..Sent delivered exactly once, in order, with its own content.</summary>
    public void AssertExactlyOnceInOrder()
    {
        Assert.Equal(Sent, Delivered.Count);
        for (int i = 0; i < Delivered.Count; i++)
        {
            Assert.Equal(i + 1, Delivered[i]);
        }
    }

    public void Dispose()
    {
        Writer.Dispose();
        Reader.Dispose();
        foreach (LocalQueuePair pair in _pairs)
        {
            pair.Dispose();
        }
    }

    /// <summary>Records sequences and checks that the payload is the message of that sequence.</summary>
    private readonly struct Recorder(List<long> delivered) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            Assert.True(payload.SequenceEqual(Message(sequence)), $"payload of {sequence} is not its message");
            delivered.Add(sequence);
        }
    }
}
