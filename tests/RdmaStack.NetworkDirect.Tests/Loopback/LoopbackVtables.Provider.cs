using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2Provider vtable: one [UnmanagedCallersOnly] entry per slot, dispatching to <see cref="LoopbackProvider"/>.</summary>
internal static unsafe partial class LoopbackVtables
{
    /// <summary>The IND2Provider vtable every <see cref="LoopbackProvider"/> points to.</summary>
    public static void* Provider { get; } = CreateProvider();

    private static void* CreateProvider()
    {
        var v = (IND2Provider.Vtbl*)NativeMemory.AllocZeroed((nuint)sizeof(IND2Provider.Vtbl));
        v->QueryInterface = (delegate* unmanaged[Stdcall]<IND2Provider*, Guid*, void**, int>)(delegate* unmanaged[Stdcall]<void*, Guid*, void**, int>)&UnknownQueryInterface;
        v->AddRef = (delegate* unmanaged[Stdcall]<IND2Provider*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownAddRef;
        v->Release = (delegate* unmanaged[Stdcall]<IND2Provider*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownRelease;
        v->QueryAddressList = &ProviderQueryAddressList;
        v->ResolveAddress = &ProviderResolveAddress;
        v->OpenAdapter = &ProviderOpenAdapter;
        return v;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ProviderQueryAddressList(IND2Provider* self, SOCKET_ADDRESS_LIST* list, uint* size)
    {
        try
        {
            return LoopbackComObject.From<LoopbackProvider>(self) is { } o ? o.QueryAddressList(list, size) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ProviderResolveAddress(IND2Provider* self, SOCKADDR* address, uint length, ulong* adapterId)
    {
        try
        {
            return LoopbackComObject.From<LoopbackProvider>(self) is { } o ? o.ResolveAddress(address, length, adapterId) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ProviderOpenAdapter(IND2Provider* self, Guid* iid, ulong adapterId, void** adapter)
    {
        try
        {
            return LoopbackComObject.From<LoopbackProvider>(self) is { } o ? o.OpenAdapter(iid, adapterId, adapter) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }
}
