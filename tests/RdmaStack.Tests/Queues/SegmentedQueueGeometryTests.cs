using RdmaStack.Queues;

namespace RdmaStack.Tests.Queues;

public class SegmentedQueueGeometryTests
{
    [Theory]
    [InlineData(0, 128)]
    [InlineData(1, 128)]
    [InlineData(48, 128)]
    [InlineData(64, 128)]
    [InlineData(112, 128)]
    [InlineData(113, 256)]
    [InlineData(1 << 20, (1 << 20) + 128)]
    public void Stride_is_header_plus_payload_rounded_to_a_pair_of_cache_lines(int payload, int stride)
    {
        var g = new SegmentedQueueGeometry(2, 1, payload);
        Assert.Equal(stride, g.SlotStride);
        Assert.Equal(2L * stride, g.RingLength);
        Assert.Equal(2, g.Capacity);
    }

    [Theory]
    [InlineData(1, 1, 8, "segments")]
    [InlineData(0, 1, 8, "segments")]
    [InlineData(2, 0, 8, "slotsPerSegment")]
    [InlineData(2, 1, -1, "slotPayloadCapacity")]
    [InlineData(2, 1, (1 << 20) + 1, "slotPayloadCapacity")]
    public void Rejects_out_of_range_values_naming_them(int segments, int slots, int payload, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentedQueueGeometry(segments, slots, payload));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void Rejects_rings_over_the_limit()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentedQueueGeometry(1024, 1024, 1024));
        Assert.Contains("ring limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_shapes_are_equal()
    {
        Assert.Equal(new SegmentedQueueGeometry(3, 5, 7), new SegmentedQueueGeometry(3, 5, 7));
        Assert.NotEqual(new SegmentedQueueGeometry(3, 5, 7), new SegmentedQueueGeometry(3, 5, 8));
    }
}
