using System.Net;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2Provider: the addresses of its devices, and adapters opened by id.</summary>
internal sealed unsafe class LoopbackProvider(LoopbackFabric fabric)
    : LoopbackComObject(fabric, LoopbackVtables.Provider, "Provider")
{
    private static readonly Guid[] s_interfaces = [ndspi.IID_IND2Provider];

    protected override ReadOnlySpan<Guid> Interfaces => s_interfaces;

    public int QueryAddressList(SOCKET_ADDRESS_LIST* list, uint* size)
    {
        IPEndPoint[] addresses = [.. Fabric.Devices.Where(d => !d.Removed).Select(d => new IPEndPoint(d.Address, 0))];
        int entries = sizeof(SOCKET_ADDRESS_LIST) - sizeof(SOCKET_ADDRESS) + (addresses.Length * sizeof(SOCKET_ADDRESS));
        uint needed = (uint)(entries + addresses.Sum(LoopbackSocketAddress.Size));
        if (list == null || *size < needed)
        {
            *size = needed;
            return ndstatus.ND_BUFFER_OVERFLOW;
        }

        list->iAddressCount = addresses.Length;
        SOCKET_ADDRESS* entry = &list->Address;
        byte* next = (byte*)list + entries;
        for (int i = 0; i < addresses.Length; i++)
        {
            LoopbackSocketAddress.Write(addresses[i], next);
            entry[i].lpSockaddr = (SOCKADDR*)next;
            entry[i].iSockaddrLength = LoopbackSocketAddress.Size(addresses[i]);
            next += entry[i].iSockaddrLength;
        }

        *size = needed;
        return ndstatus.ND_SUCCESS;
    }

    public int ResolveAddress(SOCKADDR* address, uint length, ulong* adapterId)
    {
        IPEndPoint? endPoint = LoopbackSocketAddress.Read(address, length);
        LoopbackDevice? device = Fabric.Devices.FirstOrDefault(d => endPoint is not null && d.Address.Equals(endPoint.Address) && !d.Removed);
        if (device is null)
        {
            return ndstatus.ND_INVALID_ADDRESS;
        }

        *adapterId = device.Id;
        return ndstatus.ND_SUCCESS;
    }

    public int OpenAdapter(Guid* iid, ulong adapterId, void** adapter)
    {
        *adapter = null;
        if (*iid != ndspi.IID_IND2Adapter)
        {
            return winerror.E_NOINTERFACE;
        }

        LoopbackDevice? device = Fabric.Devices.FirstOrDefault(d => d.Id == adapterId);
        if (device is null)
        {
            return ndstatus.ND_INVALID_PARAMETER;
        }

        if (device.Removed)
        {
            return ndstatus.ND_DEVICE_REMOVED;
        }

        *adapter = new LoopbackAdapter(Fabric, device).Pointer;
        return ndstatus.ND_SUCCESS;
    }
}
