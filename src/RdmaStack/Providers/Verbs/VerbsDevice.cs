using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using RdmaStack.Interop;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>The RDMA devices libibverbs sees on this host (what ibv_devices and ibv_devinfo show).</summary>
public static class VerbsDevice
{
    /// <summary>
    /// Lists every RDMA device with its node GUID and, per port, the state, active MTU, LID and populated GIDs.
    /// </summary>
    /// <returns>The devices, in the order libibverbs lists them; never empty.</returns>
    /// <exception cref="VerbsException">
    /// There is no device (the message names the cause: a kernel without RDMA support gives ENOSYS, no device
    /// gives an empty list), or opening or querying one failed (the message names the call and the errno).
    /// </exception>
    /// <remarks>Opens each device for the duration of the call and closes it again; safe from any thread.</remarks>
    public static IReadOnlyList<VerbsDeviceInfo> List()
    {
        unsafe
        {
            using VerbsDeviceList list = VerbsDeviceList.Get();
            if (list.Count == 0)
            {
                throw new VerbsException(
                    "no RDMA devices: none found (ibv_get_device_list returned an empty list; is a provider such as rdma_rxe or mlx5_ib loaded?)",
                    "ibv_get_device_list", 0);
            }

            var devices = new List<VerbsDeviceInfo>(list.Count);
            for (int i = 0; i < list.Count; i++)
            {
                devices.Add(Describe(list[i]));
            }

            return devices;
        }
    }

    private static unsafe VerbsDeviceInfo Describe(ibv_device* device)
    {
        string name = Marshal.PtrToStringUTF8((nint)ibverbs.ibv_get_device_name(device)) ?? "?";
        // ibv_get_device_guid returns the GUID in network byte order (__be64).
        ulong guid = BinaryPrimitives.ReverseEndianness(ibverbs.ibv_get_device_guid(device));
        ibv_context* context = ibverbs.ibv_open_device(device);
        if (context == null)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new VerbsException($"{name}: ibv_open_device failed ({Errno.Describe(errno)})", "ibv_open_device", errno);
        }
        try
        {
            ibv_device_attr attributes;
            int rc = ibverbs.ibv_query_device(context, &attributes);
            if (rc != 0)
            {
                throw new VerbsException($"{name}: ibv_query_device failed ({Errno.Describe(rc)})", "ibv_query_device", rc);
            }
            var ports = new List<VerbsPortInfo>(attributes.phys_port_cnt);
            for (int port = 1; port <= attributes.phys_port_cnt; port++)
            {
                ports.Add(DescribePort(name, context, (byte)port));
            }
            return new VerbsDeviceInfo(name, guid, ports);
        }
        finally
        {
            _ = ibverbs.ibv_close_device(context);
        }
    }

    private static unsafe VerbsPortInfo DescribePort(string device, ibv_context* context, byte port)
    {
        ibv_port_attr attributes;
        int rc = ibverbs.ibv_query_port(context, port, &attributes);
        if (rc != 0)
        {
            throw new VerbsException($"{device} port {port}: ibv_query_port failed ({Errno.Describe(rc)})", "ibv_query_port", rc);
        }
        var gids = new SortedDictionary<int, string>();
        for (int index = 0; index < attributes.gid_tbl_len; index++)
        {
            ibv_gid gid;
            if (ibverbs.ibv_query_gid(context, port, index, &gid) != 0)
            {
                continue; // an unpopulated RoCE GID slot reports an error; ibv_devinfo skips it too
            }
            var raw = new ReadOnlySpan<byte>(&gid, 16);
            if (raw.IndexOfAnyExcept((byte)0) < 0)
            {
                continue;
            }
            gids[index] = FormatGid(raw);
        }
        int mtu = attributes.active_mtu is >= ibv_mtu.IBV_MTU_256 and <= ibv_mtu.IBV_MTU_4096
            ? 128 << (int)attributes.active_mtu
            : 0;
        return new VerbsPortInfo(port, (VerbsPortState)attributes.state, mtu, attributes.lid, gids);
    }

    private static string FormatGid(ReadOnlySpan<byte> raw)
    {
        var sb = new StringBuilder(39);
        for (int i = 0; i < 16; i += 2)
        {
            if (i > 0)
            {
                sb.Append(':');
            }
            sb.Append(raw[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture))
              .Append(raw[i + 1].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
