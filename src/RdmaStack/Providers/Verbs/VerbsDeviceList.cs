using System.Runtime.InteropServices;
using RdmaStack.Interop;

namespace RdmaStack.Providers.Verbs;

/// <summary>
/// The one path to libibverbs' device list (ibv_get_device_list / ibv_free_device_list), for the inventory
/// (<see cref="VerbsDevice.List"/>) and for opening a device by name: one place that says why there is none.
/// </summary>
internal sealed unsafe class VerbsDeviceList : IDisposable
{
    private ibv_device** _list;

    private VerbsDeviceList(ibv_device** list, int count)
    {
        _list = list;
        Count = count;
    }

    /// <summary>Number of devices.</summary>
    public int Count { get; }

    /// <summary>Lists the devices.</summary>
    /// <returns>The list; dispose it to free it (devices opened from it stay open).</returns>
    /// <exception cref="VerbsException">libibverbs cannot list devices; the message names the cause (no RDMA in the
    /// kernel, none present).</exception>
    public static VerbsDeviceList Get()
    {
        int count = 0;
        ibv_device** list = ibverbs.ibv_get_device_list(&count);
        if (list == null)
        {
            int errno = Marshal.GetLastPInvokeError();
            string cause = errno switch
            {
                Errno.ENOSYS => "the kernel has no RDMA support",
                Errno.ENODEV or Errno.ENOENT => "no RDMA device is present",
                _ => "libibverbs could not list them",
            };
            throw new VerbsException($"no RDMA devices: {cause} (ibv_get_device_list: {Errno.Describe(errno)})", "ibv_get_device_list", errno);
        }

        return new VerbsDeviceList(list, count);
    }

    /// <summary>The device at <paramref name="index"/>.</summary>
    public ibv_device* this[int index] => (uint)index < (uint)Count ? _list[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The name of the device at <paramref name="index"/>.</summary>
    public string Name(int index) => Marshal.PtrToStringUTF8((nint)ibverbs.ibv_get_device_name(this[index])) ?? "?";

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_list != null)
        {
            ibverbs.ibv_free_device_list(_list);
            _list = null;
        }
    }
}
