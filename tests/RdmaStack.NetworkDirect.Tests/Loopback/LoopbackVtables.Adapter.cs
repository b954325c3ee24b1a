using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2Adapter vtable: one [UnmanagedCallersOnly] entry per slot, dispatching to <see cref="LoopbackAdapter"/>.</summary>
internal static unsafe partial class LoopbackVtables
{
    /// <summary>The IND2Adapter vtable every <see cref="LoopbackAdapter"/> points to.</summary>
    public static void* Adapter { get; } = CreateAdapter();

    private static void* CreateAdapter()
    {
        var v = (IND2Adapter.Vtbl*)NativeMemory.AllocZeroed((nuint)sizeof(IND2Adapter.Vtbl));
        v->QueryInterface = (delegate* unmanaged[Stdcall]<IND2Adapter*, Guid*, void**, int>)(delegate* unmanaged[Stdcall]<void*, Guid*, void**, int>)&UnknownQueryInterface;
        v->AddRef = (delegate* unmanaged[Stdcall]<IND2Adapter*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownAddRef;
        v->Release = (delegate* unmanaged[Stdcall]<IND2Adapter*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownRelease;
        v->CreateOverlappedFile = &AdapterCreateOverlappedFile;
        v->Query = &AdapterQuery;
        v->QueryAddressList = &AdapterQueryAddressList;
        v->CreateCompletionQueue = &AdapterCreateCompletionQueue;
        v->CreateMemoryRegion = &AdapterCreateMemoryRegion;
        v->CreateMemoryWindow = &AdapterCreateMemoryWindow;
        v->CreateSharedReceiveQueue = &AdapterCreateSharedReceiveQueue;
        v->CreateQueuePair = &AdapterCreateQueuePair;
        v->CreateQueuePairWithSrq = &AdapterCreateQueuePairWithSrq;
        v->CreateConnector = &AdapterCreateConnector;
        v->CreateListener = &AdapterCreateListener;
        return v;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterCreateOverlappedFile(IND2Adapter* self, nint* file)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? o.CreateOverlappedFile(file) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterQuery(IND2Adapter* self, ND2_ADAPTER_INFO* info, uint* size)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? o.Query(info, size) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterQueryAddressList(IND2Adapter* self, SOCKET_ADDRESS_LIST* list, uint* size)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? NotSupported(o, "IND2Adapter::QueryAddressList") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterCreateCompletionQueue(IND2Adapter* self, Guid* iid, nint file, uint depth, ushort group, nuint affinity, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? o.CreateCompletionQueue(iid, file, depth, result) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterCreateMemoryRegion(IND2Adapter* self, Guid* iid, nint file, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? o.CreateMemoryRegion(iid, file, result) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterCreateMemoryWindow(IND2Adapter* self, Guid* iid, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? NotSupported(o, "IND2Adapter::CreateMemoryWindow") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterCreateSharedReceiveQueue(IND2Adapter* self, Guid* iid, nint file, uint depth, uint sge, uint threshold, ushort group, nuint affinity, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? NotSupported(o, "IND2Adapter::CreateSharedReceiveQueue") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterCreateQueuePair(IND2Adapter* self, Guid* iid, IUnknown* receiveCq, IUnknown* initiatorCq, void* context, uint receiveDepth, uint initiatorDepth, uint receiveSge, uint initiatorSge, uint inlineSize, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? o.CreateQueuePair(iid, receiveCq, initiatorCq, context, receiveDepth, initiatorDepth, receiveSge, initiatorSge, inlineSize, result) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterCreateQueuePairWithSrq(IND2Adapter* self, Guid* iid, IUnknown* receiveCq, IUnknown* initiatorCq, IUnknown* srq, void* context, uint initiatorDepth, uint initiatorSge, uint inlineSize, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? NotSupported(o, "IND2Adapter::CreateQueuePairWithSrq") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterCreateConnector(IND2Adapter* self, Guid* iid, nint file, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? o.CreateConnector(iid, file, result) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int AdapterCreateListener(IND2Adapter* self, Guid* iid, nint file, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackAdapter>(self) is { } o ? o.CreateListener(iid, file, result) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }
}
