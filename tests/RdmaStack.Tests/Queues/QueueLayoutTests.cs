using System.Reflection;
using RdmaStack.Queues;

namespace RdmaStack.Tests.Queues;

/// <summary>No false sharing: counters read across threads sit alone on their cache lines, and the words two
/// processes share have a 128-byte aligned pair of lines of their own (the adjacent-line prefetcher moves
/// lines in 128-byte pairs).</summary>
public class QueueLayoutTests
{
    [Theory]
    [InlineData(typeof(SegmentedQueueWriter), "_tail")]
    [InlineData(typeof(SegmentedQueueReader), "_head")]
    public void Cross_thread_counters_are_padded(Type type, string field)
    {
        FieldInfo? info = type.GetField(field, BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.NotNull(info);
        Assert.Equal(typeof(PaddedLong), info.FieldType); // 128 bytes each side: PaddedLongTests
    }

    [Theory]
    [InlineData(2, 1, 0)] // ring 256 B: the trailer follows at once, on its own pair
    [InlineData(3, 1, 0)] // ring 384 B: slots are 128-byte pairs, so the trailer follows at once too
    [InlineData(4, 256, 64)]
    [InlineData(7, 3, 100)]
    public void The_trailer_has_a_pair_of_cache_lines_of_its_own(int segments, int slots, int payload)
    {
        var geometry = new SegmentedQueueGeometry(segments, slots, payload);
        Assert.Equal(0, geometry.TrailerOffset % 128);
        Assert.InRange(geometry.TrailerOffset - geometry.RingLength, 0, 127);
        Assert.Equal(geometry.TrailerOffset + 128, geometry.RingRegionLength);
        Assert.True(RingTrailerDescriptor.WriteLength <= 64, "the trailer's words fit its first line");
    }

    [Fact]
    public void The_control_blocks_words_fit_its_first_line_of_a_pair()
    {
        Assert.Equal(128, ControlBlockDescriptor.Length);
        Assert.True(ControlBlockDescriptor.FaultReportOffset(ControlBlockDescriptor.MaxLinks - 1) + sizeof(long) <= 64);
        Assert.Equal(0, ControlBlockDescriptor.HeadOffset % sizeof(long));
        Assert.Equal(0, ControlBlockDescriptor.ReaderStateOffset % sizeof(long));
    }

    [Fact]
    public void Slots_never_share_a_pair_of_cache_lines()
    {
        foreach (int payload in new[] { 0, 1, 48, 49, 64, 112, 113, 4096 })
        {
            int stride = SlotDescriptor.StrideFor(payload);
            Assert.Equal(0, stride % 128);
            Assert.True(stride >= SlotDescriptor.HeaderLength + payload);
        }
    }

    [Fact]
    public void Layout_descriptors_are_not_public_api()
    {
        Assert.False(typeof(SlotDescriptor).IsPublic);
        Assert.False(typeof(RingTrailerDescriptor).IsPublic);
        MemberInfo[] visible = typeof(ControlBlockDescriptor).GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
        Assert.Equal([nameof(ControlBlockDescriptor.MaxLinks)], visible.Select(m => m.Name));
    }
}
