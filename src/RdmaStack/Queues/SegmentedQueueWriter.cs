using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using RdmaStack.Transport;

namespace RdmaStack.Queues;

/// <summary>
/// The tail of a segmented queue (US 9,811,500): writes each message into the next slot and makes it
/// visible in the reader's ring with a one-sided write, keeping a copy of every unacknowledged slot for failover.
/// </summary>
/// <remarks>
/// <para>The segment rule: the tail steps into the next segment only when the reader's published head
/// is in none of that segment's slots; otherwise <see cref="Offer"/> returns
/// <see cref="QueueStatus.BackPressured"/>. The head is read only at that crossing, once per segment,
/// never per message.</para>
/// <para>Two data paths, chosen by the channel. Over a channel whose writes can tear (RDMA; a fault
/// injector), a message is written into the mirror, sealed with a CRC-32C and posted from there. Over a
/// store-ordered channel whose peer memory is mapped here (shared memory), the message is written in place
/// in the reader's ring and published by one release store of its sequence, with no CRC and no copy.</para>
/// <para>Failover's copy: over a channel that posts, the mirror holds every slot as posted. In place, the ring itself
/// is the copy: it is mapped here for as long as the writer lives, the reader never writes a slot, and the writer
/// overwrites a slot only after the reader's head has passed it, so every unacknowledged slot is still there. A
/// failover copies from either (<see cref="CopySlotsFrom"/>); into an in-place link it publishes each slot as a commit
/// does, so that link's ring holds the resent slots too.</para>
/// <para>Thread-safety: one writer thread. <see cref="Position"/> may be read from any thread.</para>
/// <para>Hot path: no allocation, lock or system call after construction.</para>
/// </remarks>
internal sealed unsafe class SegmentedQueueWriter : IDisposable
{
    private readonly IRemoteWriteChannel _channel;
    private readonly MemoryRegion _control;
    private readonly byte* _mirror;
    private readonly byte* _ring;
    private readonly byte* _controlBlock;
    private readonly byte* _trailerSource;
    private readonly long _trailerOffset;
    private readonly int _stride;
    private readonly int _payloadCapacity;
    private readonly int _slotsPerSegment;
    private readonly int _capacity;
    private readonly bool _checksum;
    private SendQueueBudget _budget;
    private PaddedLong _tail;
    private long _knownHead;
    private int _slotIndex;
    private int _slotInSegment;
    private int _claimLength = -1;
    private int _batchCount = -1;
    private bool _disposed;

    /// <summary>Creates the writer over a connected channel.</summary>
    /// <param name="geometry">The queue's shape; must match the reader's.</param>
    /// <param name="channel">Writes into the reader's ring; its <see cref="IRemoteWriteChannel.Source"/> is this writer's mirror (at least <see cref="SegmentedQueueGeometry.RingRegionLength"/> bytes).</param>
    /// <param name="control">This writer's control block, which the reader writes its head into (see <see cref="ControlBlockDescriptor"/>).</param>
    /// <param name="signalInterval">Signal every Nth write; clamped to the channel's send queue depth.</param>
    /// <param name="ownsResources">Dispose the channel and the control block with the writer.</param>
    /// <param name="checksumSlots">Whether slots carry a CRC-32C: what the link's handshake settled (true if either side's
    /// writes can tear); null takes the channel's <see cref="IRemoteWriteChannel.WritesCanTear"/>. True on a channel
    /// whose writes can tear whatever is asked.</param>
    public SegmentedQueueWriter(SegmentedQueueGeometry geometry, IRemoteWriteChannel channel, MemoryRegion control, int signalInterval = 16, bool ownsResources = true, bool? checksumSlots = null)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(control);
        if (channel.Source.Length < geometry.RingRegionLength)
        {
            throw new ArgumentException($"The writer's mirror ({channel.Source.Length} B) is smaller than the ring ({geometry}).", nameof(channel));
        }

        if (control.Length < ControlBlockDescriptor.Length)
        {
            throw new ArgumentException($"The control block needs {ControlBlockDescriptor.Length} B, got {control.Length} B.", nameof(control));
        }

        Geometry = geometry;
        _channel = channel;
        _control = control;
        OwnsResources = ownsResources;
        _mirror = channel.Source.Pointer;
        _controlBlock = control.Pointer;
        _trailerOffset = geometry.TrailerOffset;
        _trailerSource = _mirror + _trailerOffset;
        _stride = geometry.SlotStride;
        _payloadCapacity = geometry.SlotPayloadCapacity;
        _slotsPerSegment = geometry.SlotsPerSegment;
        _capacity = geometry.Capacity;
        _checksum = channel.WritesCanTear || checksumSlots == true;

        // In place only over a store-ordered channel this writer owns (so the peer mapping cannot go away
        // under a claim) whose peer region is attached and holds the whole ring.
        if (!_checksum && ownsResources && channel is IDirectWriteChannel direct && direct.DirectTarget != null &&
            channel.RemoteLength >= geometry.RingRegionLength)
        {
            _ring = direct.DirectTarget;
        }

        _budget = new SendQueueBudget(channel.SendQueueDepth, Math.Clamp(signalInterval, 1, channel.SendQueueDepth));
        if (_ring != null)
        {
            PageFaults.Prefault(_trailerSource, RingTrailerDescriptor.Length); // in place only the heartbeat's trailer is written here
        }
        else
        {
            PageFaults.Prefault(_mirror, geometry.RingRegionLength);
        }

        PageFaults.Prefault(_controlBlock, ControlBlockDescriptor.Length);
    }

    /// <summary>The queue's shape.</summary>
    public SegmentedQueueGeometry Geometry { get; }

    /// <summary>Whether disposing the writer disposes its channel and control block.</summary>
    public bool OwnsResources { get; }

    /// <summary>Whether every slot carries a CRC-32C (the channel's writes can tear) or the store-order
    /// marker (they cannot; see <see cref="IRemoteWriteChannel.WritesCanTear"/>). The reader must agree.</summary>
    public bool ChecksumsSlots => _checksum;

    /// <summary>The sequence number of the last message written (0 before the first).</summary>
    /// <remarks>Acquire read; safe from any thread.</remarks>
    public long Position => Volatile.Read(ref _tail.Value);

    /// <summary>The reader's head as last published into the control block (messages it consumed).</summary>
    /// <remarks>Acquire read of memory the reader writes remotely.</remarks>
    public long PublishedHead => ControlBlockDescriptor.ReadHeadAcquire(_controlBlock);

    /// <summary>The channel the writer posts to (for health monitoring and failover).</summary>
    public IRemoteWriteChannel Channel => _channel;

    /// <summary>The reader's heartbeat counter as last written into the control block.</summary>
    /// <remarks>Acquire read of memory the reader writes remotely.</remarks>
    public long ReaderHeartbeat => ControlBlockDescriptor.ReadReaderHeartbeatAcquire(_controlBlock);

    /// <summary>Heartbeats sent so far.</summary>
    public long HeartbeatsSent { get; private set; }

    /// <summary>The activation epoch this link carries in its heartbeat (0 until a failover group activates it).</summary>
    public long Epoch { get; internal set; }

    /// <summary>Whether slots are written in place in the reader's ring (a store-ordered, mapped channel).</summary>
    internal bool WritesInPlace => _ring != null;

    /// <summary>The writer's state flags, carried by every heartbeat (<see cref="RingTrailerDescriptor.WriterClosed"/>).</summary>
    internal long State { get; set; }

    /// <summary>The reader's state flags as last written into the control block.</summary>
    internal long ReaderState => ControlBlockDescriptor.ReadReaderStateAcquire(_controlBlock);

    /// <summary>Copies <paramref name="message"/> into the next slot and writes it to the reader.</summary>
    /// <param name="message">The message, at most <see cref="SegmentedQueueGeometry.SlotPayloadCapacity"/> bytes.</param>
    /// <returns>The message's sequence number (&gt; 0), or a negative <see cref="QueueStatus"/> code; nothing is written then.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The message is larger than a slot's payload (the message names both sizes).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Offer(ReadOnlySpan<byte> message)
    {
        long status = TryClaim(message.Length, out SlotClaim claim);
        if (status > 0)
        {
            message.CopyTo(claim.Payload);
            status = Commit(claim);
        }

        return status;
    }

    /// <summary>Claims the next slot for a message of <paramref name="length"/> bytes, to be written in place.</summary>
    /// <param name="length">The message length.</param>
    /// <param name="claim">On success, the slot's payload bytes and sequence number.</param>
    /// <returns>The sequence number the message will carry (&gt; 0), or a negative <see cref="QueueStatus"/> code.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The message is larger than a slot's payload.</exception>
    /// <exception cref="InvalidOperationException">The previous claim was not committed.</exception>
    /// <remarks>Inlined into the caller, as <see cref="Commit"/> is: on a ping-pong they sit between the arrival of a
    /// message and the store that answers it, where two calls with their frames cost more than their bodies.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long TryClaim(int length, out SlotClaim claim)
    {
        if (!CanClaim(length))
        {
            claim = default;
            return QueueStatus.Closed;
        }

        if (_slotInSegment == 0 && !CanEnterSegment(_tail.Value))
        {
            claim = default;
            return QueueStatus.BackPressured;
        }

        if (_ring == null && _budget.IsFull && !RetireCompletions())
        {
            claim = default;
            return _channel.IsConnected ? QueueStatus.BackPressured : QueueStatus.NotConnected;
        }

        long sequence = _tail.Value + 1;
        claim = new SlotClaim(new Span<byte>(SlotDescriptor.Payload(SlotBase() + ((long)_slotIndex * _stride)), length), sequence);
        _claimLength = length;
        return sequence;
    }

    /// <summary>Seals the claimed slot (sequence, length, check word) and makes it visible to the reader.</summary>
    /// <param name="claim">The claim returned by <see cref="TryClaim"/>.</param>
    /// <returns>The sequence number, or a negative <see cref="QueueStatus"/> code if the write could not be
    /// posted (the slot is then not consumed: offer the message again).</returns>
    /// <exception cref="InvalidOperationException">No claim is outstanding.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Commit(in SlotClaim claim)
    {
        int length = _claimLength;
        if (length < 0)
        {
            ThrowHelper.ThrowNoClaim();
        }

        if (_ring == null)
        {
            return CommitPosted(length);
        }

        _claimLength = -1;
        long sequence = _tail.Value + 1;
        long offset = (long)_slotIndex * _stride;
        byte* slot = _ring + offset;
        SlotDescriptor.Publish(slot, sequence, length, checksum: false);
        StepTail(sequence);
        return sequence;
    }

    /// <summary>Claims up to <paramref name="count"/> consecutive slots of <paramref name="length"/> bytes each,
    /// to be written in place and committed together by <see cref="CommitBatch"/>: as many as the reader's head
    /// and the send queue allow now (across segment boundaries and the ring's end), at least one.</summary>
    /// <param name="count">The most slots wanted, 1 or more.</param>
    /// <param name="length">Bytes claimed per message; <see cref="SlotBatch.SetLength"/> may shorten one.</param>
    /// <param name="batch">On success, the claimed slots.</param>
    /// <returns>The first sequence of the batch (&gt; 0), or a negative <see cref="QueueStatus"/> code (nothing claimed).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1, or the length exceeds a slot's payload.</exception>
    /// <exception cref="InvalidOperationException">A claim or batch is outstanding.</exception>
    public long TryClaimBatch(int count, int length, out SlotBatch batch)
    {
        batch = default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!CanClaim(length))
        {
            return QueueStatus.Closed;
        }

        int want = Math.Min(count, _capacity);
        if (_ring == null)
        {
            // At most one write per slot: the send queue must have room for all of them.
            if (_budget.IsFull)
            {
                RetireCompletions();
            }

            want = Math.Min(want, _budget.Depth - _budget.Outstanding);
            if (want <= 0)
            {
                return _channel.IsConnected ? QueueStatus.BackPressured : QueueStatus.NotConnected;
            }
        }

        int granted = Claimable(want);
        if (granted == 0)
        {
            return QueueStatus.BackPressured;
        }

        long first = _tail.Value + 1;
        byte* slots = SlotBase();
        int index = _slotIndex;
        for (int k = 0; k < granted; k++)
        {
            SlotDescriptor.WriteLength(slots + ((long)index * _stride), length);
            if (++index == _capacity)
            {
                index = 0;
            }
        }

        batch = new SlotBatch(new SlotRun(slots, _slotIndex, granted, _capacity, _stride), length, first);
        _batchCount = granted;
        return first;
    }

    /// <summary>Seals every slot of the batch and makes them visible to the reader, in order, with one tail
    /// update (and, over a channel that can tear, one write per run of adjacent slots).</summary>
    /// <param name="batch">The batch returned by <see cref="TryClaimBatch"/>.</param>
    /// <returns>The last sequence committed (&gt; 0), or a negative <see cref="QueueStatus"/> code if nothing could be
    /// posted. If a write fails part-way (only where the batch wraps the ring's end), the sequences after the one
    /// returned were not consumed: offer them again.</returns>
    /// <exception cref="InvalidOperationException">No batch is outstanding, or this is not it.</exception>
    public long CommitBatch(in SlotBatch batch)
    {
        int count = _batchCount;
        long first = _tail.Value + 1;
        if (count <= 0 || batch.Count != count || batch.FirstSequence != first)
        {
            ThrowNoBatch();
        }

        _batchCount = -1;
        int committed = _ring != null ? PublishInPlace(first, count) : PostBatch(first, count);
        if (committed == 0)
        {
            return QueueStatus.NotConnected;
        }

        Advance(committed);
        return first + committed - 1;
    }

    /// <summary>Retires write completions (call when idle; Offer also does it when the send queue is full).</summary>
    /// <returns>Signaled completions retired, or -1 if the channel failed.</returns>
    public int PollCompletions() => _budget.Retire(_channel);

    /// <summary>Writes the heartbeat (an advancing counter, this link's tail, its epoch and the writer's state,
    /// with a check word over them) into the ring's trailer, so the reader can tell a live, idle link from a
    /// dead one, a lost write from no write, and the newest active link from a repaired standby.</summary>
    /// <returns>What became of the write.</returns>
    public WriteStatus SendHeartbeat()
    {
        RingTrailerDescriptor.Seal(_trailerSource, new WriterTrailer(HeartbeatsSent + 1, _tail.Value, Epoch, State));
        WriteStatus status = Post(_trailerOffset, RingTrailerDescriptor.WriteLength);
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
            _channel.Dispose();
            _control.Dispose();
        }
    }

    /// <summary>The reader's fault report for link <paramref name="link"/>, from the control block.</summary>
    internal long FaultReport(int link) => ControlBlockDescriptor.ReadFaultReportAcquire(_controlBlock, link);

    /// <summary>Continues the stream on this link after <paramref name="tail"/> (the last sequence written on
    /// any link), knowing the reader consumed at least <paramref name="knownHead"/>.</summary>
    internal void ResumeAt(long tail, long knownHead)
    {
        Volatile.Write(ref _tail.Value, tail);
        _knownHead = Math.Max(_knownHead, knownHead);
        _slotIndex = (int)(tail % _capacity);
        _slotInSegment = _slotIndex % _slotsPerSegment;
        _claimLength = -1;
        _batchCount = -1;
    }

    /// <summary>Forgets the writes in flight: the link was re-established with an empty send queue.</summary>
    internal void ResetSendQueue() => _budget = new SendQueueBudget(_budget.Depth, _budget.Interval);

    /// <summary>Copies the slots of sequences <paramref name="first"/>..<paramref name="last"/> from another
    /// writer's failover copy into this one's, at the same offsets (slots are addressed by sequence). Into an
    /// in-place link each slot is published in the reader's ring as a commit publishes it (payload, then the
    /// sequence with a release store, in order), so <see cref="RepostSlot"/> has nothing left to do there. Between
    /// links whose integrity modes differ, each copied slot's check word is rewritten for this link.</summary>
    internal void CopySlotsFrom(SegmentedQueueWriter source, long first, long last)
    {
        long count = last - first + 1;
        if (count <= 0)
        {
            return;
        }

        byte* from = source.SlotBase();
        if (_ring != null)
        {
            for (long sequence = first; sequence <= last; sequence++)
            {
                long offset = ((sequence - 1) % _capacity) * _stride;
                int length = SlotDescriptor.ReadLength(from + offset);
                Buffer.MemoryCopy(SlotDescriptor.Payload(from + offset), SlotDescriptor.Payload(_ring + offset), _payloadCapacity, length);
                SlotDescriptor.Publish(_ring + offset, sequence, length, checksum: false);
            }

            return;
        }

        int index = (int)((first - 1) % _capacity);
        long run = Math.Min(count, _capacity - index);
        long bytes = run * _stride;
        Buffer.MemoryCopy(from + ((long)index * _stride), _mirror + ((long)index * _stride), bytes, bytes);
        if (count > run)
        {
            bytes = (count - run) * _stride;
            Buffer.MemoryCopy(from, _mirror, bytes, bytes);
        }

        if (source._checksum != _checksum)
        {
            for (long sequence = first; sequence <= last; sequence++)
            {
                SlotDescriptor.Reseal(_mirror + (((sequence - 1) % _capacity) * _stride), _checksum);
            }
        }
    }

    /// <summary>Posts the mirrored slot of <paramref name="sequence"/> again (a resend after failover). In place there
    /// is nothing to post: the slot is in the reader's ring already, written by a commit or by
    /// <see cref="CopySlotsFrom"/>.</summary>
    internal WriteStatus RepostSlot(long sequence)
    {
        if (_ring != null)
        {
            return WriteStatus.Posted;
        }

        long offset = ((sequence - 1) % _capacity) * _stride;
        return Post(offset, SlotDescriptor.HeaderLength + SlotDescriptor.ReadLength(_mirror + offset));
    }

    [DoesNotReturn]
    private static void ThrowNoBatch() =>
        throw new InvalidOperationException("CommitBatch was called without an outstanding batch from TryClaimBatch (or with another one).");

    private static long ToQueueStatus(WriteStatus status) => status switch
    {
        WriteStatus.SendQueueFull => QueueStatus.BackPressured,
        WriteStatus.Closed => QueueStatus.Closed,
        _ => QueueStatus.NotConnected,
    };

    private WriteStatus Post(long offset, int length) => _budget.Post(_channel, offset, length);

    /// <summary>The checks every claim makes first: a length that fits, no claim or batch outstanding.</summary>
    /// <returns>False when the writer is closed.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool CanClaim(int length)
    {
        if ((uint)length > (uint)_payloadCapacity)
        {
            ThrowHelper.ThrowMessageTooLarge(length, _payloadCapacity, nameof(length));
        }

        if (_claimLength >= 0 || _batchCount >= 0)
        {
            ThrowHelper.ThrowClaimOutstanding();
        }

        return !_disposed;
    }

    /// <summary>Where claims are written, and so failover's copy of the unacknowledged slots: the reader's ring in place,
    /// or the mirror (see the remarks on the class).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* SlotBase() => _ring != null ? _ring : _mirror;

    /// <summary>Moves the tail <paramref name="count"/> slots on (at most one lap).</summary>
    private void Advance(int count)
    {
        Volatile.Write(ref _tail.Value, _tail.Value + count);
        _slotIndex += count;
        if (_slotIndex >= _capacity)
        {
            _slotIndex -= _capacity;
        }

        _slotInSegment = (_slotInSegment + count) % _slotsPerSegment;
    }

    /// <summary>How many of the next <paramref name="want"/> slots may be written now: the rest of the current
    /// segment, then each further segment the reader's head has left.</summary>
    private int Claimable(int want)
    {
        long tail = _tail.Value;
        int inSegment = _slotInSegment;
        int granted = 0;
        while (granted < want)
        {
            if (inSegment == 0 && !CanEnterSegment(tail + granted))
            {
                break;
            }

            int run = Math.Min(want - granted, _slotsPerSegment - inSegment);
            granted += run;
            inSegment += run;
            if (inSegment == _slotsPerSegment)
            {
                inSegment = 0;
            }
        }

        return granted;
    }

    /// <summary>Publishes the batch's slots in the reader's ring, each with its own release store (the ring is
    /// failover's copy: nothing else to write).</summary>
    private int PublishInPlace(long first, int count)
    {
        int index = _slotIndex;
        for (int k = 0; k < count; k++)
        {
            byte* slot = _ring + ((long)index * _stride);
            SlotDescriptor.Publish(slot, first + k, SlotDescriptor.ReadLength(slot), checksum: false);
            if (++index == _capacity)
            {
                index = 0;
            }
        }

        return count;
    }

    /// <summary>Seals the batch's slots in the mirror and posts them: one write per run of adjacent slots over a
    /// channel that can tear (each slot is checked on its own), one per slot over a store-ordered one (its
    /// promise covers the first word of a write only).</summary>
    /// <returns>Slots posted, from the first.</returns>
    private int PostBatch(long first, int count)
    {
        int index = _slotIndex;
        for (int k = 0; k < count; k++)
        {
            SlotDescriptor.Seal(_mirror + ((long)index * _stride), first + k, SlotDescriptor.ReadLength(_mirror + ((long)index * _stride)), _checksum);
            if (++index == _capacity)
            {
                index = 0;
            }
        }

        int posted = 0;
        index = _slotIndex;
        while (posted < count)
        {
            int run = _checksum ? Math.Min(count - posted, _capacity - index) : 1;
            long offset = (long)index * _stride;
            long lastSlot = offset + ((long)(run - 1) * _stride);
            long bytes = lastSlot - offset + SlotDescriptor.HeaderLength + SlotDescriptor.ReadLength(_mirror + lastSlot);
            if (Post(offset, (int)bytes) != WriteStatus.Posted)
            {
                break;
            }

            posted += run;
            index += run;
            if (index == _capacity)
            {
                index = 0;
            }
        }

        return posted;
    }

    /// <summary>The segment the tail is about to enter held slots tail-C .. tail-C+B-1 on the previous
    /// lap; the reader must have consumed all of them (head &gt;= tail - C + B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool CanEnterSegment(long tail)
    {
        long required = tail - _capacity + _slotsPerSegment;
        if (_knownHead >= required)
        {
            return true;
        }

        // Keep the largest head seen: after a failover the published word of this link can lag the
        // head the failover layer learned from another link.
        _knownHead = Math.Max(_knownHead, ControlBlockDescriptor.ReadHeadAcquire(_controlBlock));
        return _knownHead >= required;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RetireCompletions() => PollCompletions() > 0 && !_budget.IsFull;

    /// <summary><see cref="Commit"/> over a channel that posts writes: the slot is sealed in the mirror and posted from
    /// there (out of line: the in-place path is inlined into every caller).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private long CommitPosted(int length)
    {
        _claimLength = -1;
        long sequence = _tail.Value + 1;
        long offset = (long)_slotIndex * _stride;
        SlotDescriptor.Seal(_mirror + offset, sequence, length, _checksum);
        WriteStatus posted = _channel.PostWrite(offset, offset, SlotDescriptor.HeaderLength + length, _budget.NextSignaled());
        if (posted != WriteStatus.Posted)
        {
            return ToQueueStatus(posted);
        }

        _budget.Posted();
        StepTail(sequence);
        return sequence;
    }

    /// <summary>The tail moves to <paramref name="sequence"/>, one slot on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StepTail(long sequence)
    {
        Volatile.Write(ref _tail.Value, sequence);
        if (++_slotInSegment == _slotsPerSegment)
        {
            _slotInSegment = 0;
        }

        if (++_slotIndex == _capacity)
        {
            _slotIndex = 0;
        }
    }
}
