using System.Runtime.CompilerServices;
using RdmaStack.Transport;

namespace RdmaStack.Queues;

/// <summary>
/// The head of a segmented queue (US 9,811,500): reads slots from the ring in its own memory, which
/// the writer fills with one-sided writes, and publishes its head back once per finished segment.
/// </summary>
/// <remarks>
/// <para>A slot is delivered only when its sequence number is the one expected next and its CRC-32C
/// holds (see <see cref="SlotDescriptor"/>). A CRC that fails may be a write still landing, so the slot is
/// re-read; after <see cref="ChecksumRetryLimit"/> failed polls it is counted as corrupt and stays
/// undelivered (the health monitor turns that into a failover). A sequence that is neither the expected
/// one nor the previous lap's is counted as a sequence error and never delivered.</para>
/// <para>Thread-safety: one reader thread. <see cref="Position"/> and <see cref="Counters"/> may be read
/// from any thread.</para>
/// <para>Hot path: no allocation, lock or system call; one 8-byte write per finished segment.</para>
/// </remarks>
public sealed unsafe class SegmentedQueueReader : IDisposable
{
    /// <summary>Default number of polls a slot with a bad CRC is re-read before it is called corrupt.</summary>
    public const int DefaultChecksumRetryLimit = 4096;

    private readonly MemoryRegion _ring;
    private readonly IRemoteWriteChannel _headChannel;
    private readonly byte* _ringBase;
    private readonly long* _headSource;
    private readonly int _stride;
    private readonly int _payloadCapacity;
    private readonly int _slotsPerSegment;
    private readonly int _capacity;
    private SendQueueBudget _budget;
    private PaddedLong _head;
    private int _slotIndex;
    private int _slotInSegment;
    private bool _publishPending;
    private int _suspectPolls;
    private long _reportedCorrupt;
    private long _reportedSequence;
    private long _corruptSlots;
    private long _sequenceErrors;
    private long _tornReads;
    private long _headPublications;
    private bool _disposed;

    /// <summary>Creates the reader over its ring.</summary>
    /// <param name="geometry">The queue's shape; must match the writer's.</param>
    /// <param name="ring">The reader's own ring (the region the writer writes into), at least <see cref="SegmentedQueueGeometry.RingLength"/> bytes, zeroed.</param>
    /// <param name="headChannel">Writes the head into the writer's control block; its source must be at least <see cref="ControlBlockDescriptor.Length"/> bytes.</param>
    /// <param name="checksumRetryLimit">Polls of a slot with a bad CRC before it is counted corrupt.</param>
    /// <param name="ownsResources">Dispose the ring and the channel with the reader.</param>
    public SegmentedQueueReader(SegmentedQueueGeometry geometry, MemoryRegion ring, IRemoteWriteChannel headChannel, int checksumRetryLimit = DefaultChecksumRetryLimit, bool ownsResources = true)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(headChannel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checksumRetryLimit);
        if (ring.Length < geometry.RingLength)
        {
            throw new ArgumentException($"The ring region ({ring.Length} B) is smaller than the geometry needs ({geometry}).", nameof(ring));
        }

        if (headChannel.Source.Length < ControlBlockDescriptor.Length)
        {
            throw new ArgumentException($"The head source needs {ControlBlockDescriptor.Length} B, got {headChannel.Source.Length} B.", nameof(headChannel));
        }

        Geometry = geometry;
        ChecksumRetryLimit = checksumRetryLimit;
        OwnsResources = ownsResources;
        _ring = ring;
        _headChannel = headChannel;
        _ringBase = ring.Pointer;
        _headSource = (long*)(headChannel.Source.Pointer + ControlBlockDescriptor.HeadOffset);
        _stride = geometry.SlotStride;
        _payloadCapacity = geometry.SlotPayloadCapacity;
        _slotsPerSegment = geometry.SlotsPerSegment;
        _capacity = geometry.Capacity;
        _budget = new SendQueueBudget(headChannel.SendQueueDepth, Math.Max(1, headChannel.SendQueueDepth / 2));
    }

    /// <summary>The queue's shape.</summary>
    public SegmentedQueueGeometry Geometry { get; }

    /// <summary>Polls of a slot with a bad CRC before it is counted corrupt.</summary>
    public int ChecksumRetryLimit { get; }

    /// <summary>Whether disposing the reader disposes its ring and head channel.</summary>
    public bool OwnsResources { get; }

    /// <summary>The sequence number of the last message delivered (0 before the first).</summary>
    /// <remarks>Acquire read; safe from any thread.</remarks>
    public long Position => Volatile.Read(ref _head.Value);

    /// <summary>The channel the head is published through.</summary>
    public IRemoteWriteChannel HeadChannel => _headChannel;

    /// <summary>A snapshot of the counters (plain reads: exact from the reader thread, approximate elsewhere).</summary>
    public ReaderCounters Counters => new(Position, _corruptSlots, _sequenceErrors, _tornReads, _headPublications);

    /// <summary>Delivers up to <paramref name="limit"/> new messages, in order, to <paramref name="handler"/>.</summary>
    /// <typeparam name="THandler">A struct handler gets a direct call.</typeparam>
    /// <param name="handler">Receives each message.</param>
    /// <param name="limit">Most messages to deliver in this call.</param>
    /// <returns>Messages delivered (0 when nothing new is there).</returns>
    public int Poll<THandler>(ref THandler handler, int limit = int.MaxValue)
        where THandler : IMessageHandler, allows ref struct
    {
        if (_publishPending)
        {
            PublishHead();
        }

        int delivered = 0;
        while (delivered < limit)
        {
            byte* slot = _ringBase + ((long)_slotIndex * _stride);
            long sequence = Volatile.Read(ref *(long*)(slot + SlotDescriptor.SequenceOffset));
            long expected = _head.Value + 1;
            if (sequence != expected)
            {
                if (sequence != (expected > _capacity ? expected - _capacity : 0))
                {
                    OnSequenceError(sequence);
                }

                break;
            }

            int length = *(int*)(slot + SlotDescriptor.LengthOffset);
            uint checksum = *(uint*)(slot + SlotDescriptor.ChecksumOffset);
            if ((uint)length > (uint)_payloadCapacity ||
                SlotDescriptor.ComputeChecksum(sequence, new ReadOnlySpan<byte>(slot + SlotDescriptor.HeaderLength, length)) != checksum)
            {
                OnBadChecksum(sequence);
                break;
            }

            handler.OnMessage(new ReadOnlySpan<byte>(slot + SlotDescriptor.HeaderLength, length), sequence);
            _suspectPolls = 0;
            Volatile.Write(ref _head.Value, expected);
            delivered++;
            if (++_slotIndex == _capacity)
            {
                _slotIndex = 0;
            }

            if (++_slotInSegment == _slotsPerSegment)
            {
                _slotInSegment = 0;
                PublishHead();
            }
        }

        return delivered;
    }

    /// <summary>Delegate form of <see cref="Poll{THandler}(ref THandler, int)"/>.</summary>
    /// <param name="handler">Receives each message; cache the delegate to avoid allocating.</param>
    /// <param name="limit">Most messages to deliver in this call.</param>
    /// <returns>Messages delivered.</returns>
    public int Poll(MessageHandler handler, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var adapter = new DelegateHandler(handler);
        return Poll(ref adapter, limit);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (OwnsResources)
        {
            _headChannel.Dispose();
            _ring.Dispose();
        }
    }

    /// <summary>Writes the head (a whole number of segments) into the writer's control block. If the
    /// channel cannot take it now, the next poll tries again; the writer only waits longer meanwhile.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PublishHead()
    {
        if (_budget.IsFull)
        {
            int done = _headChannel.PollCompletions();
            if (done > 0)
            {
                _budget.Completed(done);
            }

            if (_budget.IsFull)
            {
                _publishPending = true;
                return;
            }
        }

        Volatile.Write(ref *_headSource, _head.Value);
        WriteStatus status = _headChannel.PostWrite(ControlBlockDescriptor.HeadOffset, ControlBlockDescriptor.HeadOffset, sizeof(long), _budget.NextSignaled());
        _publishPending = status != WriteStatus.Posted;
        if (!_publishPending)
        {
            _budget.Posted();
            _headPublications++;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnBadChecksum(long sequence)
    {
        _tornReads++;
        if (++_suspectPolls >= ChecksumRetryLimit && _reportedCorrupt != sequence)
        {
            _reportedCorrupt = sequence;
            _corruptSlots++;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnSequenceError(long sequence)
    {
        if (_reportedSequence != sequence)
        {
            _reportedSequence = sequence;
            _sequenceErrors++;
        }
    }

    private readonly struct DelegateHandler(MessageHandler handler) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => handler(payload, sequence);
    }
}
