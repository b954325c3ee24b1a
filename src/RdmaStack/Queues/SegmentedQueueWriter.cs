using System.Runtime.CompilerServices;
using RdmaStack.Transport;

namespace RdmaStack.Queues;

/// <summary>
/// The tail of a segmented queue (US 9,811,500): writes each message into the next slot of its local
/// mirror and posts a one-sided write of that slot into the reader's ring.
/// </summary>
/// <remarks>
/// <para>The segment rule: the tail steps into the next segment only when the reader's published head
/// is in none of that segment's slots; otherwise <see cref="Offer"/> returns
/// <see cref="QueueStatus.BackPressured"/>. The head is read only at that crossing, once per segment,
/// never per message.</para>
/// <para>Thread-safety: one writer thread. <see cref="Position"/> may be read from any thread.</para>
/// <para>Hot path: no allocation, lock or system call after construction.</para>
/// </remarks>
internal sealed unsafe class SegmentedQueueWriter : IDisposable
{
    private readonly IRemoteWriteChannel _channel;
    private readonly MemoryRegion _control;
    private readonly byte* _mirror;
    private readonly long* _publishedHead;
    private readonly long* _readerHeartbeat;
    private readonly long* _heartbeatSource;
    private readonly int _stride;
    private readonly int _payloadCapacity;
    private readonly int _slotsPerSegment;
    private readonly int _capacity;
    private SendQueueBudget _budget;
    private PaddedLong _tail;
    private long _knownHead;
    private int _slotIndex;
    private int _slotInSegment;
    private int _claimLength = -1;
    private bool _disposed;

    /// <summary>Creates the writer over a connected channel.</summary>
    /// <param name="geometry">The queue's shape; must match the reader's.</param>
    /// <param name="channel">Writes into the reader's ring; its <see cref="IRemoteWriteChannel.Source"/> is this writer's mirror (at least <see cref="SegmentedQueueGeometry.RingRegionLength"/> bytes).</param>
    /// <param name="control">This writer's control block, which the reader writes its head into (see <see cref="ControlBlockDescriptor"/>).</param>
    /// <param name="signalInterval">Signal every Nth write; clamped to the channel's send queue depth.</param>
    /// <param name="ownsResources">Dispose the channel and the control block with the writer.</param>
    public SegmentedQueueWriter(SegmentedQueueGeometry geometry, IRemoteWriteChannel channel, MemoryRegion control, int signalInterval = 16, bool ownsResources = true)
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
        _publishedHead = (long*)(control.Pointer + ControlBlockDescriptor.HeadOffset);
        _readerHeartbeat = (long*)(control.Pointer + ControlBlockDescriptor.ReaderHeartbeatOffset);
        _heartbeatSource = (long*)(_mirror + geometry.RingLength + RingTrailerDescriptor.WriterHeartbeatOffset);
        _stride = geometry.SlotStride;
        _payloadCapacity = geometry.SlotPayloadCapacity;
        _slotsPerSegment = geometry.SlotsPerSegment;
        _capacity = geometry.Capacity;
        _budget = new SendQueueBudget(channel.SendQueueDepth, Math.Clamp(signalInterval, 1, channel.SendQueueDepth));
    }

    /// <summary>The queue's shape.</summary>
    public SegmentedQueueGeometry Geometry { get; }

    /// <summary>Whether disposing the writer disposes its channel and control block.</summary>
    public bool OwnsResources { get; }

    /// <summary>The sequence number of the last message written (0 before the first).</summary>
    /// <remarks>Acquire read; safe from any thread.</remarks>
    public long Position => Volatile.Read(ref _tail.Value);

    /// <summary>The reader's head as last published into the control block (messages it consumed).</summary>
    /// <remarks>Acquire read of memory the reader writes remotely.</remarks>
    public long PublishedHead => Volatile.Read(ref *_publishedHead);

    /// <summary>The channel the writer posts to (for health monitoring and failover).</summary>
    public IRemoteWriteChannel Channel => _channel;

    /// <summary>The reader's heartbeat counter as last written into the control block.</summary>
    /// <remarks>Acquire read of memory the reader writes remotely.</remarks>
    public long ReaderHeartbeat => Volatile.Read(ref *_readerHeartbeat);

    /// <summary>Heartbeats sent so far.</summary>
    public long HeartbeatsSent { get; private set; }

    /// <summary>The activation epoch this link carries in its heartbeat (0 until a failover group activates it).</summary>
    public long Epoch { get; internal set; }

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
    public long TryClaim(int length, out SlotClaim claim)
    {
        claim = default;
        if ((uint)length > (uint)_payloadCapacity)
        {
            ThrowHelper.ThrowMessageTooLarge(length, _payloadCapacity, nameof(length));
        }

        if (_claimLength >= 0)
        {
            ThrowHelper.ThrowClaimOutstanding();
        }

        if (_disposed)
        {
            return QueueStatus.Closed;
        }

        if (_slotInSegment == 0 && !CanEnterSegment())
        {
            return QueueStatus.BackPressured;
        }

        if (_budget.IsFull && !RetireCompletions())
        {
            return _channel.IsConnected ? QueueStatus.BackPressured : QueueStatus.NotConnected;
        }

        long sequence = _tail.Value + 1;
        byte* slot = _mirror + ((long)_slotIndex * _stride);
        claim = new SlotClaim(new Span<byte>(slot + SlotDescriptor.HeaderLength, length), sequence);
        _claimLength = length;
        return sequence;
    }

    /// <summary>Seals the claimed slot (sequence, length, CRC) and writes it to the reader.</summary>
    /// <param name="claim">The claim returned by <see cref="TryClaim"/>.</param>
    /// <returns>The sequence number, or a negative <see cref="QueueStatus"/> code if the write could not be
    /// posted (the slot is then not consumed: offer the message again).</returns>
    /// <exception cref="InvalidOperationException">No claim is outstanding.</exception>
    public long Commit(in SlotClaim claim)
    {
        int length = _claimLength;
        if (length < 0)
        {
            ThrowHelper.ThrowNoClaim();
        }

        _claimLength = -1;
        long sequence = _tail.Value + 1;
        long offset = (long)_slotIndex * _stride;
        byte* slot = _mirror + offset;
        *(int*)(slot + SlotDescriptor.LengthOffset) = length;
        *(long*)(slot + SlotDescriptor.SequenceOffset) = sequence;
        *(uint*)(slot + SlotDescriptor.ChecksumOffset) =
            SlotDescriptor.ComputeChecksum(sequence, new ReadOnlySpan<byte>(slot + SlotDescriptor.HeaderLength, length));

        WriteStatus posted = _channel.PostWrite(offset, offset, SlotDescriptor.HeaderLength + length, _budget.NextSignaled());
        if (posted != WriteStatus.Posted)
        {
            return ToQueueStatus(posted);
        }

        _budget.Posted();
        Volatile.Write(ref _tail.Value, sequence);
        if (++_slotInSegment == _slotsPerSegment)
        {
            _slotInSegment = 0;
        }

        if (++_slotIndex == _capacity)
        {
            _slotIndex = 0;
        }

        return sequence;
    }

    /// <summary>Retires write completions (call when idle; Offer also does it when the send queue is full).</summary>
    /// <returns>Signaled completions retired, or -1 if the channel failed.</returns>
    public int PollCompletions() => _budget.Retire(_channel);

    /// <summary>Writes the heartbeat (an advancing counter, this link's tail and its epoch) into the ring's
    /// trailer, so the reader can tell a live, idle link from a dead one, a lost write from no write, and
    /// the newest active link from a repaired standby.</summary>
    /// <returns>What became of the write.</returns>
    public WriteStatus SendHeartbeat()
    {
        Volatile.Write(ref *_heartbeatSource, HeartbeatsSent + 1);
        *(_heartbeatSource + 1) = _tail.Value;
        *(_heartbeatSource + 2) = Epoch;
        WriteStatus status = Post(Geometry.RingLength, RingTrailerDescriptor.HeartbeatLength);
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

    /// <summary>The reader's fault report counter for link <paramref name="link"/>, from the control block.</summary>
    internal long FaultReport(int link) => Volatile.Read(ref *(long*)(_control.Pointer + ControlBlockDescriptor.FaultReportOffset(link)));

    /// <summary>Continues the stream on this link after <paramref name="tail"/> (the last sequence written on
    /// any link), knowing the reader consumed at least <paramref name="knownHead"/>.</summary>
    internal void ResumeAt(long tail, long knownHead)
    {
        Volatile.Write(ref _tail.Value, tail);
        _knownHead = Math.Max(_knownHead, knownHead);
        _slotIndex = (int)(tail % _capacity);
        _slotInSegment = _slotIndex % _slotsPerSegment;
        _claimLength = -1;
    }

    /// <summary>Forgets the writes in flight: the link was re-established with an empty send queue.</summary>
    internal void ResetSendQueue() => _budget = new SendQueueBudget(_budget.Depth, _budget.Interval);

    /// <summary>Copies the slots of sequences <paramref name="first"/>..<paramref name="last"/> from another
    /// writer's mirror into this one's, at the same offsets (slots are addressed by sequence).</summary>
    internal void CopySlotsFrom(SegmentedQueueWriter source, long first, long last)
    {
        long count = last - first + 1;
        if (count <= 0)
        {
            return;
        }

        int index = (int)((first - 1) % _capacity);
        long run = Math.Min(count, _capacity - index);
        long bytes = run * _stride;
        Buffer.MemoryCopy(source._mirror + ((long)index * _stride), _mirror + ((long)index * _stride), bytes, bytes);
        if (count > run)
        {
            bytes = (count - run) * _stride;
            Buffer.MemoryCopy(source._mirror, _mirror, bytes, bytes);
        }
    }

    /// <summary>Posts the mirrored slot of <paramref name="sequence"/> again (a resend after failover).</summary>
    internal WriteStatus RepostSlot(long sequence)
    {
        long offset = ((sequence - 1) % _capacity) * _stride;
        int length = *(int*)(_mirror + offset + SlotDescriptor.LengthOffset);
        return Post(offset, SlotDescriptor.HeaderLength + length);
    }

    private WriteStatus Post(long offset, int length) => _budget.Post(_channel, offset, length);

    private static long ToQueueStatus(WriteStatus status) => status switch
    {
        WriteStatus.SendQueueFull => QueueStatus.BackPressured,
        WriteStatus.Closed => QueueStatus.Closed,
        _ => QueueStatus.NotConnected,
    };

    /// <summary>The segment the tail is about to enter held slots tail-C .. tail-C+B-1 on the previous
    /// lap; the reader must have consumed all of them (head &gt;= tail - C + B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool CanEnterSegment()
    {
        long required = _tail.Value - _capacity + _slotsPerSegment;
        if (_knownHead >= required)
        {
            return true;
        }

        // Keep the largest head seen: after a failover the published word of this link can lag the
        // head the failover layer learned from another link.
        _knownHead = Math.Max(_knownHead, Volatile.Read(ref *_publishedHead));
        return _knownHead >= required;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RetireCompletions() => PollCompletions() > 0 && !_budget.IsFull;
}
