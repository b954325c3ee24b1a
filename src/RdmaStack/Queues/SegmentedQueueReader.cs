using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using RdmaStack.Transport;

namespace RdmaStack.Queues;

/// <summary>
/// The head of a segmented queue (US 9,811,500): reads slots from the ring in its own memory, which
/// the writer fills with one-sided writes, and publishes its head back once per finished segment.
/// </summary>
/// <remarks>
/// <para>A slot is delivered only when its sequence number is the one expected next and its check word
/// holds (see <see cref="SlotDescriptor"/>): the CRC-32C where the provider's writes can tear, the
/// store-order marker where they cannot (<see cref="IRemoteWriteChannel.WritesCanTear"/> of the head channel,
/// the same provider as the writer's). A check that fails may be a write still landing, so the slot is
/// re-read; after <see cref="ChecksumRetryLimit"/> failed polls (and <see cref="ChecksumTimeout"/>) it is
/// counted as corrupt and stays undelivered (the health monitor turns that into a failover). A sequence that
/// is neither the expected one nor the previous lap's is never delivered, and is counted as a sequence error
/// once it has lasted as long (its 8 bytes too can be caught half landed).</para>
/// <para>Thread-safety: one reader thread. <see cref="Position"/> and <see cref="Counters"/> may be read
/// from any thread.</para>
/// <para>Hot path: no allocation, lock or system call; one 8-byte write per finished segment.
/// <see cref="PollBatch"/> / <see cref="ReleaseBatch"/> hand out a run of ready messages in place and move the
/// head once for all of them.</para>
/// </remarks>
internal sealed unsafe class SegmentedQueueReader : IDisposable
{
    /// <summary>Default number of polls a slot with a bad CRC is re-read before it is called corrupt.</summary>
    public const int DefaultChecksumRetryLimit = 4096;

    private readonly MemoryRegion _ring;
    private readonly IRemoteWriteChannel _headChannel;
    private readonly byte* _ringBase;
    private readonly byte* _headSource;
    private readonly byte* _trailer;
    private readonly int _stride;
    private readonly int _payloadCapacity;
    private readonly int _slotsPerSegment;
    private readonly int _capacity;
    private readonly bool _checksum;
    private SendQueueBudget _budget;
    private PaddedLong _head;
    private int _slotIndex;
    private int _slotInSegment;
    private bool _publishPending;
    private int _suspectPolls;
    private long _firstBadRead;
    private long _reportedCorrupt;
    private long _reportedSequence;
    private long _corruptSlots;
    private long _sequenceErrors;
    private long _tornReads;
    private long _headPublications;
    private WriterTrailer _trailerSnapshot;
    private ulong _trailerCheck;
    private long _tornTrailerReads;
    private int _batchCount = -1;
    private bool _disposed;

    /// <summary>Creates the reader over its ring.</summary>
    /// <param name="geometry">The queue's shape; must match the writer's.</param>
    /// <param name="ring">The reader's own ring (the region the writer writes into), at least <see cref="SegmentedQueueGeometry.RingRegionLength"/> bytes, zeroed.</param>
    /// <param name="headChannel">Writes the head into the writer's control block; its source must be at least <see cref="ControlBlockDescriptor.Length"/> bytes.</param>
    /// <param name="checksumRetryLimit">Polls of a slot with a bad CRC before it is counted corrupt.</param>
    /// <param name="ownsResources">Dispose the ring and the channel with the reader.</param>
    /// <param name="checksumSlots">Whether slots carry a CRC-32C: what the link's handshake settled; null takes the head
    /// channel's <see cref="IRemoteWriteChannel.WritesCanTear"/>. True on a channel whose writes can tear whatever is asked.</param>
    public SegmentedQueueReader(SegmentedQueueGeometry geometry, MemoryRegion ring, IRemoteWriteChannel headChannel, int checksumRetryLimit = DefaultChecksumRetryLimit, bool ownsResources = true, bool? checksumSlots = null)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(headChannel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checksumRetryLimit);
        if (ring.Length < geometry.RingRegionLength)
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
        _headSource = headChannel.Source.Pointer;
        _trailer = ring.Pointer + geometry.TrailerOffset;
        _stride = geometry.SlotStride;
        _payloadCapacity = geometry.SlotPayloadCapacity;
        _slotsPerSegment = geometry.SlotsPerSegment;
        _capacity = geometry.Capacity;
        _checksum = headChannel.WritesCanTear || checksumSlots == true;
        _budget = new SendQueueBudget(headChannel.SendQueueDepth, Math.Max(1, headChannel.SendQueueDepth / 2));
        PageFaults.Prefault(_ringBase, geometry.RingRegionLength);
        PageFaults.Prefault(_headSource, ControlBlockDescriptor.Length);
    }

    /// <summary>The queue's shape.</summary>
    public SegmentedQueueGeometry Geometry { get; }

    /// <summary>Polls of a slot with a bad CRC before it is counted corrupt.</summary>
    public int ChecksumRetryLimit { get; }

    /// <summary>The least time a slot must keep failing its CRC, besides <see cref="ChecksumRetryLimit"/> polls,
    /// before it is counted corrupt (default zero: polls alone). A transport whose writes can land slowly
    /// (an emulated NIC) sets it, so a slot still landing is not mistaken for a corrupt one; the clock is read
    /// only while a CRC fails, never on the delivery path.</summary>
    public TimeSpan ChecksumTimeout { get; init; }

    /// <summary>Whether disposing the reader disposes its ring and head channel.</summary>
    public bool OwnsResources { get; }

    /// <summary>The sequence number of the last message delivered (0 before the first).</summary>
    /// <remarks>Acquire read; safe from any thread.</remarks>
    public long Position => Volatile.Read(ref _head.Value);

    /// <summary>The channel the head is published through.</summary>
    public IRemoteWriteChannel HeadChannel => _headChannel;

    /// <summary>Whether slots carry a CRC-32C (the head channel's provider can tear writes) or the store-order
    /// marker (see <see cref="IRemoteWriteChannel.WritesCanTear"/>). The writer must agree.</summary>
    public bool ChecksumsSlots => _checksum;

    /// <summary>The writer's heartbeat counter, from the last whole heartbeat in the ring's trailer.</summary>
    /// <remarks>The trailer's words and their check word are read together (acquire loads); a heartbeat caught
    /// landing leaves the last whole one in place, so heartbeat, tail and epoch always come from one write.
    /// Reader thread only.</remarks>
    public long WriterHeartbeat => Trailer.Heartbeat;

    /// <summary>The last sequence the writer had written on this link when it sent its last whole heartbeat.</summary>
    /// <remarks>Reader thread only; see <see cref="WriterHeartbeat"/>.</remarks>
    public long WriterTail => Trailer.Tail;

    /// <summary>The link's activation epoch from the writer's last whole heartbeat (0 if never activated).</summary>
    /// <remarks>Reader thread only; see <see cref="WriterHeartbeat"/>.</remarks>
    public long WriterEpoch => Trailer.Epoch;

    /// <summary>The last whole trailer the writer sent (heartbeat, tail, epoch, state).</summary>
    internal WriterTrailer Trailer
    {
        get
        {
            if (!RingTrailerDescriptor.ReadAcquire(_trailer, ref _trailerSnapshot, ref _trailerCheck))
            {
                _tornTrailerReads++;
            }

            return _trailerSnapshot;
        }
    }

    /// <summary>Trailer reads that caught a heartbeat write landing (the last whole one was kept).</summary>
    internal long TornTrailerReads => _tornTrailerReads;

    /// <summary>Heartbeats sent so far.</summary>
    public long HeartbeatsSent { get; private set; }

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
            PublishHeadCore();
        }

        if (_batchCount >= 0)
        {
            ThrowBatchOutstanding();
        }

        int delivered = 0;
        long head = _head.Value;
        while (delivered < limit)
        {
            byte* slot = _ringBase + ((long)_slotIndex * _stride);
            long sequence = SlotDescriptor.ReadSequenceAcquire(slot);
            long expected = head + 1;
            if (sequence != expected)
            {
                OnNotReady(sequence, expected);
                break;
            }

            if (!SlotDescriptor.IsIntact(slot, sequence, _payloadCapacity, _checksum, out int length))
            {
                OnBadChecksum(sequence);
                break;
            }

            handler.OnMessage(new ReadOnlySpan<byte>(SlotDescriptor.Payload(slot), length), sequence);
            head = expected;
            Consumed(head);
            delivered++;
        }

        return delivered;
    }

    /// <summary>The spinning reader's poll of one message, inlined into its loop: the slot's sequence is read once, and
    /// a message that is there and whole goes to <paramref name="handler"/> at once, with no call before it (on a
    /// ping-pong the handler's answer is the critical path).</summary>
    /// <typeparam name="THandler">A struct handler gets a direct call.</typeparam>
    /// <param name="handler">Receives the message.</param>
    /// <returns>1: a message was delivered; 0: nothing new, nothing wrong, nothing to publish (the next slot
    /// still holds the previous lap's sequence); -1: anything else (a slot that fails its check, a wrong sequence, a publication to
    /// retry, a batch outstanding): <see cref="Poll{THandler}(ref THandler, int)"/> deals with it.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TryPollOne<THandler>(ref THandler handler)
        where THandler : IMessageHandler, allows ref struct
    {
        byte* slot = _ringBase + ((long)_slotIndex * _stride);
        long expected = _head.Value + 1;
        long sequence = SlotDescriptor.ReadSequenceAcquire(slot);
        if (sequence == expected && !_publishPending && _batchCount < 0 &&
            SlotDescriptor.IsIntact(slot, sequence, _payloadCapacity, _checksum, out int length))
        {
            handler.OnMessage(new ReadOnlySpan<byte>(SlotDescriptor.Payload(slot), length), sequence);
            Consumed(expected);
            return 1;
        }

        return sequence == PreviousLap(expected) && !_publishPending ? 0 : -1;
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

    /// <summary>Takes up to <paramref name="limit"/> ready messages in place, in order, without moving the head:
    /// read them through <paramref name="batch"/>, then call <see cref="ReleaseBatch"/> once, which moves the
    /// head past all of them (and publishes it if a segment was finished). Until then the writer cannot reuse
    /// their slots and no other poll may run.</summary>
    /// <param name="limit">The most messages to take, 1 or more.</param>
    /// <param name="batch">The messages taken (none when the result is 0).</param>
    /// <returns>Messages taken (0 when nothing new is there; no release is due then).</returns>
    /// <exception cref="InvalidOperationException">A batch is outstanding.</exception>
    public int PollBatch(int limit, out MessageBatch batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (_batchCount >= 0)
        {
            ThrowBatchOutstanding();
        }

        if (_publishPending)
        {
            PublishHeadCore();
        }

        limit = Math.Min(limit, _capacity);
        long first = _head.Value + 1;
        int index = _slotIndex;
        int count = 0;
        while (count < limit)
        {
            byte* slot = _ringBase + ((long)index * _stride);
            long sequence = SlotDescriptor.ReadSequenceAcquire(slot);
            if (sequence != first + count)
            {
                OnNotReady(sequence, first + count);
                break;
            }

            if (!SlotDescriptor.IsIntact(slot, sequence, _payloadCapacity, _checksum, out _))
            {
                OnBadChecksum(sequence);
                break;
            }

            count++;
            if (++index == _capacity)
            {
                index = 0;
            }
        }

        batch = new MessageBatch(new SlotRun(_ringBase, _slotIndex, count, _capacity, _stride), first);
        if (count > 0)
        {
            _suspectPolls = 0;
            _batchCount = count;
        }

        return count;
    }

    /// <summary>Consumes the messages of <paramref name="batch"/>: the head moves past them with one store.</summary>
    /// <param name="batch">The batch returned by <see cref="PollBatch"/>.</param>
    /// <exception cref="InvalidOperationException">No batch is outstanding, or this is not it.</exception>
    public void ReleaseBatch(in MessageBatch batch)
    {
        int count = _batchCount;
        long head = _head.Value;
        if (count <= 0 || batch.Count != count || batch.FirstSequence != head + 1)
        {
            ThrowNoBatch();
        }

        _batchCount = -1;
        Volatile.Write(ref _head.Value, head + count);
        _slotIndex += count;
        if (_slotIndex >= _capacity)
        {
            _slotIndex -= _capacity;
        }

        _slotInSegment += count;
        if (_slotInSegment >= _slotsPerSegment)
        {
            _slotInSegment %= _slotsPerSegment;
            PublishHeadCore();
        }
    }

    /// <summary>Moves the head to <paramref name="position"/> (the last sequence consumed) without delivering
    /// or publishing anything: the failover layer keeps every link's reader at the stream's position, so
    /// that sequences already delivered over another link are never delivered again.</summary>
    /// <param name="position">The last sequence consumed, 0 or more.</param>
    public void Seek(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        Volatile.Write(ref _head.Value, position);
        _slotIndex = (int)(position % _capacity);
        _slotInSegment = _slotIndex % _slotsPerSegment;
        _suspectPolls = 0;
        _batchCount = -1;
    }

    /// <summary>Writes the head into the writer's control block now, even mid-segment (used when a stream
    /// moves to this link, so the writer learns at once how far the reader is).</summary>
    /// <returns>True if the write was posted.</returns>
    public bool PublishHead()
    {
        PublishHeadCore();
        return !_publishPending;
    }

    /// <summary>Advances the reader's heartbeat counter in the writer's control block.</summary>
    /// <returns>What became of the write.</returns>
    public WriteStatus SendHeartbeat()
    {
        ControlBlockDescriptor.WriteReaderHeartbeatRelease(_headSource, HeartbeatsSent + 1);
        WriteStatus status = Post(ControlBlockDescriptor.ReaderHeartbeatOffset);
        if (status == WriteStatus.Posted)
        {
            HeartbeatsSent++;
        }

        return status;
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

    /// <summary>Retires the completions of the head, heartbeat and fault-report writes (the failover layer calls it
    /// from its housekeeping, so an error on the reverse direction is seen without waiting for the queue to fill).</summary>
    /// <returns>Signaled completions retired, or -1 if the channel failed.</returns>
    internal int PollCompletions() => _budget.Retire(_headChannel);

    /// <summary>Writes fault report counter <paramref name="count"/> for link <paramref name="link"/> into
    /// the writer's control block (the failover layer sends it over every link).</summary>
    internal WriteStatus ReportFault(int link, long count)
    {
        ControlBlockDescriptor.WriteFaultReportRelease(_headSource, link, count);
        return Post(ControlBlockDescriptor.FaultReportOffset(link));
    }

    /// <summary>Writes the reader's state flags (<see cref="ControlBlockDescriptor.ReaderClosed"/>) into the
    /// writer's control block.</summary>
    internal WriteStatus PublishState(long state)
    {
        ControlBlockDescriptor.WriteReaderStateRelease(_headSource, state);
        return Post(ControlBlockDescriptor.ReaderStateOffset);
    }

    /// <summary>Writes the head into the writer's control block. If the channel cannot take it now, the
    /// next poll tries again; the writer only waits longer meanwhile.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PublishHeadCore()
    {
        ControlBlockDescriptor.WriteHeadRelease(_headSource, _head.Value);
        _publishPending = Post(ControlBlockDescriptor.HeadOffset) != WriteStatus.Posted;
        if (!_publishPending)
        {
            _headPublications++;
        }
    }

    /// <summary>The message at <paramref name="head"/> was delivered: the head moves on, and is published at the end of
    /// a segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Consumed(long head)
    {
        _suspectPolls = 0;
        Volatile.Write(ref _head.Value, head);
        if (++_slotIndex == _capacity)
        {
            _slotIndex = 0;
        }

        if (++_slotInSegment == _slotsPerSegment)
        {
            _slotInSegment = 0;
            PublishHeadCore();
        }
    }

    /// <summary>Posts one aligned 8-byte word of the head source to the same offset of the control block.</summary>
    private WriteStatus Post(int offset) => _budget.Post(_headChannel, offset, sizeof(long));

    [DoesNotReturn]
    private static void ThrowBatchOutstanding() =>
        throw new InvalidOperationException("A batch from PollBatch has not been released: call ReleaseBatch before polling again.");

    [DoesNotReturn]
    private static void ThrowNoBatch() =>
        throw new InvalidOperationException("ReleaseBatch was called without an outstanding batch from PollBatch (or with another one).");

    /// <summary>The slot does not hold the expected sequence: either not written yet (the previous lap's, or
    /// never) or something else, counted once it lasts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OnNotReady(long sequence, long expected)
    {
        if (sequence != PreviousLap(expected))
        {
            OnSequenceError(sequence);
        }
    }

    /// <summary>The sequence the slot of <paramref name="expected"/> holds while it is not written yet: the previous
    /// lap's, or 0 on the first lap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long PreviousLap(long expected) => expected > _capacity ? expected - _capacity : 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnBadChecksum(long sequence)
    {
        _tornReads++;
        if (StillBadPastBounds() && _reportedCorrupt != sequence)
        {
            _reportedCorrupt = sequence;
            _corruptSlots++;
        }
    }

    /// <summary>A sequence that is neither the expected one nor the previous lap's. On RDMA the 8 bytes of the
    /// sequence can themselves be caught half landed, so, like a bad CRC, it counts only once it has lasted
    /// <see cref="ChecksumRetryLimit"/> polls and <see cref="ChecksumTimeout"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnSequenceError(long sequence)
    {
        if (StillBadPastBounds() && _reportedSequence != sequence)
        {
            _reportedSequence = sequence;
            _sequenceErrors++;
        }
    }

    /// <summary>Counts one more poll of a slot that is not (yet) valid; true once that has lasted both bounds.
    /// The clock is read only here, never on the delivery path.</summary>
    private bool StillBadPastBounds()
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_suspectPolls++ == 0)
        {
            _firstBadRead = now;
        }

        return _suspectPolls >= ChecksumRetryLimit &&
            now - _firstBadRead >= (long)(ChecksumTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    }

    private readonly struct DelegateHandler(MessageHandler handler) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> payload, long sequence) => handler(payload, sequence);
    }
}
