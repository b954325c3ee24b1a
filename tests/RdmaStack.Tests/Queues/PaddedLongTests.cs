using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Queues;

namespace RdmaStack.Tests.Queues;

public class PaddedLongTests
{
    [Fact]
    public void Value_has_128_bytes_of_padding_each_side()
    {
        Assert.Equal(128, (int)Marshal.OffsetOf<PaddedLong>(nameof(PaddedLong.Value)));
        Assert.Equal(128 + 8 + 128, Unsafe.SizeOf<PaddedLong>());
    }
}
