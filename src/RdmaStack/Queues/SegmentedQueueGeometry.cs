using System.Globalization;

namespace RdmaStack.Queues;

/// <summary>
/// The shape of a segmented queue: <see cref="Segments"/> segments of <see cref="SlotsPerSegment"/>
/// fixed-size slots, each holding at most <see cref="SlotPayloadCapacity"/> payload bytes. Both ends
/// must agree on it exactly; the handshake compares it.
/// </summary>
public sealed record SegmentedQueueGeometry
{
    /// <summary>The least number of segments: the writer needs one to leave while the reader is in the other.</summary>
    public const int MinSegments = 2;

    /// <summary>The most segments a queue may have.</summary>
    public const int MaxSegments = 1 << 16;

    /// <summary>The most slots a segment may have.</summary>
    public const int MaxSlotsPerSegment = 1 << 20;

    /// <summary>The largest slot payload, 1 MiB.</summary>
    public const int MaxSlotPayload = 1 << 20;

    /// <summary>The largest ring, 1 GiB: registered memory is pinned, so it is bounded on purpose.</summary>
    public const long MaxRingLength = 1L << 30;

    /// <summary>Creates a geometry, checking every bound.</summary>
    /// <param name="segments">Number of segments, at least 2.</param>
    /// <param name="slotsPerSegment">Slots per segment, at least 1.</param>
    /// <param name="slotPayloadCapacity">Largest message in bytes, 0 to <see cref="MaxSlotPayload"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range; the message names it.</exception>
    public SegmentedQueueGeometry(int segments, int slotsPerSegment, int slotPayloadCapacity)
    {
        if (segments is < MinSegments or > MaxSegments)
        {
            throw new ArgumentOutOfRangeException(nameof(segments), segments, $"A segmented queue needs {MinSegments} to {MaxSegments} segments.");
        }

        if (slotsPerSegment is < 1 or > MaxSlotsPerSegment)
        {
            throw new ArgumentOutOfRangeException(nameof(slotsPerSegment), slotsPerSegment, $"A segment holds 1 to {MaxSlotsPerSegment} slots.");
        }

        if (slotPayloadCapacity is < 0 or > MaxSlotPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(slotPayloadCapacity), slotPayloadCapacity, $"A slot payload holds 0 to {MaxSlotPayload} bytes.");
        }

        Segments = segments;
        SlotsPerSegment = slotsPerSegment;
        SlotPayloadCapacity = slotPayloadCapacity;
        SlotStride = SlotDescriptor.StrideFor(slotPayloadCapacity);
        RingLength = (long)segments * slotsPerSegment * SlotStride;
        TrailerOffset = RingTrailerDescriptor.OffsetFor(RingLength);
        if (RingLength > MaxRingLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(segments),
                string.Create(CultureInfo.InvariantCulture, $"{segments} segments x {slotsPerSegment} slots x {SlotStride} B = {RingLength} B exceeds the {MaxRingLength} B ring limit."));
        }
    }

    /// <summary>Number of segments (S).</summary>
    public int Segments { get; }

    /// <summary>Slots per segment (B).</summary>
    public int SlotsPerSegment { get; }

    /// <summary>Largest payload one slot carries, in bytes.</summary>
    public int SlotPayloadCapacity { get; }

    /// <summary>Bytes from one slot to the next: header plus payload, rounded up to a cache line.</summary>
    public int SlotStride { get; }

    /// <summary>Total slots (S x B): how many messages can be in flight.</summary>
    public int Capacity => Segments * SlotsPerSegment;

    /// <summary>Bytes of the slots (S x B x stride).</summary>
    public long RingLength { get; }

    /// <summary>Bytes of the region the reader exposes to the writer: the slots, then the writer's trailer
    /// (heartbeat, tail, epoch, state) in a 128-byte pair of cache lines of its own. The writer's mirror has
    /// the same size.</summary>
    public long RingRegionLength => TrailerOffset + RingTrailerDescriptor.Length;

    /// <summary>Where the trailer starts: the ring's length rounded up to 128 bytes.</summary>
    internal long TrailerOffset { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Segments} segments x {SlotsPerSegment} slots x {SlotPayloadCapacity} B payload ({SlotStride} B stride, {RingLength} B ring)");
}
