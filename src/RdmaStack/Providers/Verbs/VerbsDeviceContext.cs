using System.Globalization;
using System.Runtime.InteropServices;
using RdmaStack.Interop;
using RdmaStack.Memory;
using RdmaStack.Providers.Verbs;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>
/// One opened RDMA device and port: its context, a protection domain, the address the queue pairs use (on RoCE
/// the RoCE v2 GID, on a native InfiniBand port the LID), and a background reader of the device's asynchronous
/// events.
/// </summary>
/// <remarks>
/// <para>The native objects are owned by SafeHandles; queue pairs, completion queues and memory regions made
/// from this context hold references on it, so disposing it while they live only stops the event reader; the
/// device is closed after the last of them is gone.</para>
/// <para>Set-up path: not thread-safe. <see cref="AsyncEventCount"/> and <see cref="AsyncEventReceived"/> are
/// safe from any thread; the event is raised on the reader's background thread.</para>
/// </remarks>
internal sealed unsafe partial class VerbsDeviceContext : IDisposable
{
    private readonly ContextHandle _context;
    private readonly ProtectionDomainHandle _pd;
    private readonly byte[] _gid;
    private bool _disposed;

    private VerbsDeviceContext(string name, byte port, ContextHandle context, ProtectionDomainHandle pd, int gidIndex, byte[] gid, ushort lid, bool infiniBand, ibv_mtu mtu, int maxQueuePairWorkRequests)
    {
        Lid = lid;
        IsInfiniBand = infiniBand;
        DeviceName = name;
        Port = port;
        _context = context;
        _pd = pd;
        GidIndex = gidIndex;
        _gid = gid;
        ActiveMtu = mtu;
        MaxQueuePairWorkRequests = maxQueuePairWorkRequests;
        StartAsyncEventReader();
    }

    /// <summary>The device's name (rxe0, mlx5_0).</summary>
    public string DeviceName { get; }

    /// <summary>The port the queue pairs use (from 1).</summary>
    public int Port { get; }

    /// <summary>The port's LID (native InfiniBand: what queue pairs address; 0 on RoCE).</summary>
    public ushort Lid { get; }

    /// <summary>True on a native InfiniBand port (link layer InfiniBand: LID-addressed, a subnet manager assigns the
    /// LID); false on RoCE (link layer Ethernet: GID-addressed).</summary>
    public bool IsInfiniBand { get; }

    /// <summary>The index of the GID the queue pairs use: on RoCE the port's RoCE v2 GID (on rxe over IPv4, usually 1),
    /// on InfiniBand the given index or 0 (the port GID, needed only across subnets).</summary>
    public int GidIndex { get; }

    /// <summary>That GID's 16 bytes (an IPv4-mapped IPv6 address on RoCE v2 over IPv4).</summary>
    public ReadOnlyMemory<byte> Gid => _gid;

    /// <summary>The device's limit on work requests per queue (ibv_device_attr.max_qp_wr).</summary>
    public int MaxQueuePairWorkRequests { get; }

    internal ibv_mtu ActiveMtu { get; }

    internal ContextHandle ContextHandle => _context;

    internal ProtectionDomainHandle ProtectionDomain => _pd;

    /// <summary>Opens <paramref name="deviceName"/>, allocates a protection domain and finds the port's address: on
    /// RoCE its RoCE v2 GID (or the GID at <paramref name="gidIndex"/>), on InfiniBand its LID.</summary>
    /// <param name="deviceName">The device, as `rdmastack devices` lists it.</param>
    /// <param name="port">The port, from 1.</param>
    /// <param name="gidIndex">The GID index to use, or -1 to find the RoCE v2 GID (InfiniBand: index 0).</param>
    /// <returns>The opened device.</returns>
    /// <exception cref="VerbsException">No such device, no RDMA at all (the message names the cause), the port is
    /// not active, it has no RoCE v2 GID, or a call failed (the message names it and its errno).</exception>
    public static VerbsDeviceContext Open(string deviceName, int port = 1, int gidIndex = -1)
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 255);
        ArgumentOutOfRangeException.ThrowIfLessThan(gidIndex, -1);
        ContextHandle context = OpenContext(deviceName);
        ProtectionDomainHandle? pd = null;
        try
        {
            ibv_device_attr deviceAttributes;
            int rc = ibverbs.ibv_query_device(context.Pointer, &deviceAttributes);
            if (rc != 0)
            {
                throw Failed(deviceName, "ibv_query_device", rc);
            }

            if (port > deviceAttributes.phys_port_cnt)
            {
                throw new VerbsException($"{deviceName} has {deviceAttributes.phys_port_cnt} port(s); there is no port {port}.", "ibv_query_device", 0);
            }

            ibv_port_attr portAttributes;
            rc = ibverbs.ibv_query_port(context.Pointer, (byte)port, &portAttributes);
            if (rc != 0)
            {
                throw Failed(deviceName, "ibv_query_port", rc);
            }

            if (portAttributes.state != ibv_port_state.IBV_PORT_ACTIVE)
            {
                throw new VerbsException($"{deviceName} port {port} is not active (state {(int)portAttributes.state}); is its network interface up?", "ibv_query_port", 0);
            }

            bool infiniBand = portAttributes.link_layer == ibverbs.IBV_LINK_LAYER_INFINIBAND;
            if (infiniBand && portAttributes.lid == 0)
            {
                throw new VerbsException($"{deviceName} port {port} is an InfiniBand port without a LID: is a subnet manager (opensm) running on the fabric?", "ibv_query_port", 0);
            }

            (int usedGidIndex, byte[] gid) = infiniBand || gidIndex >= 0
                ? QueryGid(deviceName, context, (byte)port, Math.Max(gidIndex, 0), required: !infiniBand)
                : FindRoceV2Gid(deviceName, context, (byte)port, portAttributes.gid_tbl_len);
            ibv_pd* rawPd = ibverbs.ibv_alloc_pd(context.Pointer);
            if (rawPd == null)
            {
                throw Failed(deviceName, "ibv_alloc_pd", Marshal.GetLastPInvokeError());
            }

            pd = new ProtectionDomainHandle(rawPd, context);
            return new VerbsDeviceContext(deviceName, (byte)port, context, pd, usedGidIndex, gid, infiniBand ? portAttributes.lid : (ushort)0, infiniBand, portAttributes.active_mtu, deviceAttributes.max_qp_wr);
        }
        catch
        {
            pd?.Dispose();
            context.Dispose();
            throw;
        }
    }

    /// <summary>Opens the device like <see cref="Open"/>, retrying while it fails (its port is not active yet: after a
    /// link comes back up rxe and real NICs take a moment; the GID table is rebuilt) until <paramref name="deadline"/>
    /// (<see cref="Environment.TickCount64"/>) or until <paramref name="cancellation"/> is cancelled.</summary>
    /// <param name="deviceName">The device.</param>
    /// <param name="port">The port, from 1.</param>
    /// <param name="gidIndex">The GID index, or -1.</param>
    /// <param name="deadline">When to give up.</param>
    /// <param name="cancellation">Stops the retries.</param>
    /// <returns>The opened device.</returns>
    /// <exception cref="VerbsException">The last failure, once the deadline has passed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static VerbsDeviceContext OpenWhenActive(string deviceName, int port, int gidIndex, long deadline, CancellationToken cancellation)
    {
        while (true)
        {
            try
            {
                return Open(deviceName, port, gidIndex);
            }
            catch (VerbsException) when (Environment.TickCount64 < deadline && !cancellation.IsCancellationRequested)
            {
                cancellation.WaitHandle.WaitOne(20);
            }

            cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        StopAsyncEventReader();
        _pd.Dispose();
        _context.Dispose();
    }

    /// <summary>Registers <paramref name="length"/> bytes of fresh page-aligned memory with exactly <paramref name="access"/>.</summary>
    internal RegisteredMemory Register(long length, ibv_access_flags access, string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        NativeMemoryHandle memory = NativeMemoryHandle.Allocate(length);
        try
        {
            ibv_mr* mr = ibverbs.ibv_reg_mr(_pd.Pointer, (void*)memory.DangerousGetHandle(), (nuint)length, (int)access);
            if (mr == null)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new VerbsException(
                    string.Create(CultureInfo.InvariantCulture, $"{DeviceName}: ibv_reg_mr of {length} B for {name} failed ({Errno.Describe(errno)})"), "ibv_reg_mr", errno);
            }

            return new RegisteredMemory(new MemoryRegionHandle(mr, _pd, memory), memory, length, $"{DeviceName} {name}");
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }

    internal static VerbsException Failed(string device, string call, int errno) =>
        new($"{device}: {call} failed ({Errno.Describe(errno)})", call, errno);

    private static ContextHandle OpenContext(string deviceName)
    {
        using VerbsDeviceList list = VerbsDeviceList.Get();
        var names = new List<string>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            string name = list.Name(i);
            if (name != deviceName)
            {
                names.Add(name);
                continue;
            }

            ibv_context* context = ibverbs.ibv_open_device(list[i]);
            return context != null ? new ContextHandle(context) : throw Failed(deviceName, "ibv_open_device", Marshal.GetLastPInvokeError());
        }

        throw new VerbsException(
            $"no RDMA device named '{deviceName}' (present: {(names.Count == 0 ? "none" : string.Join(", ", names))})", "ibv_get_device_list", Errno.ENODEV);
    }

    /// <summary>The GID at <paramref name="index"/>; an empty or unreadable one is an error when <paramref name="required"/>.</summary>
    private static (int Index, byte[] Gid) QueryGid(string device, ContextHandle context, byte port, int index, bool required)
    {
        ibv_gid gid;
        if (ibverbs.ibv_query_gid(context.Pointer, port, index, &gid) != 0)
        {
            return required
                ? throw new VerbsException($"{device} port {port} has no GID at index {index}", "ibv_query_gid", 0)
                : (index, new byte[16]);
        }

        return (index, new ReadOnlySpan<byte>(&gid, 16).ToArray());
    }

    /// <summary>The first GID of type RoCE v2, preferring an IPv4-mapped one (::ffff:a.b.c.d).</summary>
    private static (int Index, byte[] Gid) FindRoceV2Gid(string device, ContextHandle context, byte port, int tableLength)
    {
        int fallback = -1;
        byte[]? fallbackGid = null;
        for (int index = 0; index < tableLength; index++)
        {
            ibv_gid_entry entry;
            if (ibverbs._ibv_query_gid_ex(context.Pointer, port, (uint)index, &entry, 0, (nuint)sizeof(ibv_gid_entry)) != 0)
            {
                continue; // an unpopulated slot
            }

            if (entry.gid_type != (uint)ibv_gid_type.IBV_GID_TYPE_ROCE_V2)
            {
                continue;
            }

            byte[] gid = new ReadOnlySpan<byte>(&entry.gid, 16).ToArray();
            bool ipv4Mapped = gid.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0 && gid[10] == 0xff && gid[11] == 0xff;
            if (ipv4Mapped)
            {
                return (index, gid);
            }

            if (fallback < 0)
            {
                fallback = index;
                fallbackGid = gid;
            }
        }

        return fallback >= 0
            ? (fallback, fallbackGid!)
            : throw new VerbsException($"{device} port {port} has no RoCE v2 GID (does its network interface have an IP address?)", "ibv_query_gid_ex", 0);
    }
}
