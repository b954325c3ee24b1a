using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2Listener vtable: one [UnmanagedCallersOnly] entry per slot, dispatching to <see cref="LoopbackListener"/>.</summary>
internal static unsafe partial class LoopbackVtables
{
    /// <summary>The IND2Listener vtable every <see cref="LoopbackListener"/> points to.</summary>
    public static void* Listener { get; } = CreateListener();

    private static void* CreateListener()
    {
        var v = (IND2Listener.Vtbl*)NativeMemory.AllocZeroed((nuint)sizeof(IND2Listener.Vtbl));
        v->QueryInterface = (delegate* unmanaged[Stdcall]<IND2Listener*, Guid*, void**, int>)(delegate* unmanaged[Stdcall]<void*, Guid*, void**, int>)&UnknownQueryInterface;
        v->AddRef = (delegate* unmanaged[Stdcall]<IND2Listener*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownAddRef;
        v->Release = (delegate* unmanaged[Stdcall]<IND2Listener*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownRelease;
        v->CancelOverlappedRequests = (delegate* unmanaged[Stdcall]<IND2Listener*, int>)(delegate* unmanaged[Stdcall]<void*, int>)&OverlappedCancel;
        v->GetOverlappedResult = (delegate* unmanaged[Stdcall]<IND2Listener*, OVERLAPPED*, int, int>)(delegate* unmanaged[Stdcall]<void*, OVERLAPPED*, int, int>)&OverlappedResult;
        v->Bind = &ListenerBind;
        v->Listen = &ListenerListen;
        v->GetLocalAddress = &ListenerGetLocalAddress;
        v->GetConnectionRequest = &ListenerGetConnectionRequest;
        return v;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ListenerBind(IND2Listener* self, SOCKADDR* address, uint length)
    {
        try
        {
            return LoopbackComObject.From<LoopbackListener>(self) is { } o ? o.Bind(address, length) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ListenerListen(IND2Listener* self, uint backlog)
    {
        try
        {
            return LoopbackComObject.From<LoopbackListener>(self) is { } o ? o.Listen() : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ListenerGetLocalAddress(IND2Listener* self, SOCKADDR* address, uint* length)
    {
        try
        {
            return LoopbackComObject.From<LoopbackListener>(self) is { } o ? o.GetLocalAddress(address, length) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ListenerGetConnectionRequest(IND2Listener* self, IUnknown* connector, OVERLAPPED* overlapped)
    {
        try
        {
            return LoopbackComObject.From<LoopbackListener>(self) is { } o ? o.GetConnectionRequest(connector, overlapped) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }
}
