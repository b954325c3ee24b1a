using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Tests;

/// <summary>What ibv_get_device_list itself says on this machine, so the tests expect the right outcome.</summary>
internal static unsafe class NativeDeviceList
{
    public static (int Errno, int Devices) Probe()
    {
        int count = 0;
        ibv_device** list = ibverbs.ibv_get_device_list(&count);
        if (list == null)
        {
            return (Marshal.GetLastPInvokeError(), 0);
        }
        ibverbs.ibv_free_device_list(list);
        return (0, count);
    }
}
