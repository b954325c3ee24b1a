using RdmaStack.Providers.Verbs;

namespace RdmaStack.Interop.Tests.Verbs;

/// <summary>VerbsDevice.List against the machine's real libibverbs.</summary>
public sealed class VerbsDeviceTests
{
    [Fact]
    public void List_names_the_cause_when_there_is_no_device()
    {
        var (errno, devices) = NativeDeviceList.Probe();
        if (devices > 0)
        {
            var list = VerbsDevice.List();
            Assert.Equal(devices, list.Count);
            Assert.All(list, d => Assert.False(string.IsNullOrEmpty(d.Name)));
            return;
        }
        var e = Assert.ThrowsAny<TransportException>(() => VerbsDevice.List());
        Assert.Equal("ibv_get_device_list", e.Operation);
        Assert.Equal(errno, e.ErrorCode);
        Assert.StartsWith("no RDMA devices: ", e.Message, StringComparison.Ordinal);
        if (errno == 38)
        {
            Assert.Contains("the kernel has no RDMA support", e.Message, StringComparison.Ordinal);
            Assert.Contains("ENOSYS", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Node_guid_text_groups_four_hex_digits_like_ibv_devinfo()
    {
        var device = new VerbsDeviceInfo("rxe0", 0x0002c90300317891UL, []);
        Assert.Equal("0002:c903:0031:7891", device.NodeGuidText);
    }
}
