using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2MemoryRegion vtable: one [UnmanagedCallersOnly] entry per slot, dispatching to <see cref="LoopbackMemoryRegion"/>.</summary>
internal static unsafe partial class LoopbackVtables
{
    /// <summary>The IND2MemoryRegion vtable every <see cref="LoopbackMemoryRegion"/> points to.</summary>
    public static void* MemoryRegion { get; } = CreateMemoryRegion();

    private static void* CreateMemoryRegion()
    {
        var v = (IND2MemoryRegion.Vtbl*)NativeMemory.AllocZeroed((nuint)sizeof(IND2MemoryRegion.Vtbl));
        v->QueryInterface = (delegate* unmanaged[Stdcall]<IND2MemoryRegion*, Guid*, void**, int>)(delegate* unmanaged[Stdcall]<void*, Guid*, void**, int>)&UnknownQueryInterface;
        v->AddRef = (delegate* unmanaged[Stdcall]<IND2MemoryRegion*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownAddRef;
        v->Release = (delegate* unmanaged[Stdcall]<IND2MemoryRegion*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownRelease;
        v->CancelOverlappedRequests = (delegate* unmanaged[Stdcall]<IND2MemoryRegion*, int>)(delegate* unmanaged[Stdcall]<void*, int>)&OverlappedCancel;
        v->GetOverlappedResult = (delegate* unmanaged[Stdcall]<IND2MemoryRegion*, OVERLAPPED*, int, int>)(delegate* unmanaged[Stdcall]<void*, OVERLAPPED*, int, int>)&OverlappedResult;
        v->Register = &MemoryRegionRegister;
        v->Deregister = &MemoryRegionDeregister;
        v->GetLocalToken = &MemoryRegionGetLocalToken;
        v->GetRemoteToken = &MemoryRegionGetRemoteToken;
        return v;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int MemoryRegionRegister(IND2MemoryRegion* self, void* buffer, nuint length, uint flags, OVERLAPPED* overlapped)
    {
        try
        {
            return LoopbackComObject.From<LoopbackMemoryRegion>(self) is { } o ? o.Register(buffer, length, flags, overlapped) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int MemoryRegionDeregister(IND2MemoryRegion* self, OVERLAPPED* overlapped)
    {
        try
        {
            return LoopbackComObject.From<LoopbackMemoryRegion>(self) is { } o ? o.Deregister(overlapped) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static uint MemoryRegionGetLocalToken(IND2MemoryRegion* self)
    {
        try
        {
            return LoopbackComObject.From<LoopbackMemoryRegion>(self) is { } o ? o.LocalToken : 0;
        }
        catch (Exception e)
        {
            Crash(self, e);
            return 0;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static uint MemoryRegionGetRemoteToken(IND2MemoryRegion* self)
    {
        try
        {
            return LoopbackComObject.From<LoopbackMemoryRegion>(self) is { } o ? o.RemoteToken : 0;
        }
        catch (Exception e)
        {
            Crash(self, e);
            return 0;
        }
    }
}
