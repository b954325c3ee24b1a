using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2CompletionQueue vtable: one [UnmanagedCallersOnly] entry per slot, dispatching to <see cref="LoopbackCompletionQueue"/>.</summary>
internal static unsafe partial class LoopbackVtables
{
    /// <summary>The IND2CompletionQueue vtable every <see cref="LoopbackCompletionQueue"/> points to.</summary>
    public static void* CompletionQueue { get; } = CreateCompletionQueue();

    private static void* CreateCompletionQueue()
    {
        var v = (IND2CompletionQueue.Vtbl*)NativeMemory.AllocZeroed((nuint)sizeof(IND2CompletionQueue.Vtbl));
        v->QueryInterface = (delegate* unmanaged[Stdcall]<IND2CompletionQueue*, Guid*, void**, int>)(delegate* unmanaged[Stdcall]<void*, Guid*, void**, int>)&UnknownQueryInterface;
        v->AddRef = (delegate* unmanaged[Stdcall]<IND2CompletionQueue*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownAddRef;
        v->Release = (delegate* unmanaged[Stdcall]<IND2CompletionQueue*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownRelease;
        v->CancelOverlappedRequests = (delegate* unmanaged[Stdcall]<IND2CompletionQueue*, int>)(delegate* unmanaged[Stdcall]<void*, int>)&OverlappedCancel;
        v->GetOverlappedResult = (delegate* unmanaged[Stdcall]<IND2CompletionQueue*, OVERLAPPED*, int, int>)(delegate* unmanaged[Stdcall]<void*, OVERLAPPED*, int, int>)&OverlappedResult;
        v->GetNotifyAffinity = &CompletionQueueGetNotifyAffinity;
        v->Resize = &CompletionQueueResize;
        v->Notify = &CompletionQueueNotify;
        v->GetResults = &CompletionQueueGetResults;
        return v;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int CompletionQueueGetNotifyAffinity(IND2CompletionQueue* self, ushort* group, nuint* affinity)
    {
        try
        {
            return LoopbackComObject.From<LoopbackCompletionQueue>(self) is { } o ? NotSupported(o, "IND2CompletionQueue::GetNotifyAffinity") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int CompletionQueueResize(IND2CompletionQueue* self, uint depth)
    {
        try
        {
            return LoopbackComObject.From<LoopbackCompletionQueue>(self) is { } o ? NotSupported(o, "IND2CompletionQueue::Resize") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int CompletionQueueNotify(IND2CompletionQueue* self, uint type, OVERLAPPED* overlapped)
    {
        try
        {
            return LoopbackComObject.From<LoopbackCompletionQueue>(self) is { } o ? NotSupported(o, "IND2CompletionQueue::Notify") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static uint CompletionQueueGetResults(IND2CompletionQueue* self, ND2_RESULT* results, uint count)
    {
        try
        {
            return LoopbackComObject.From<LoopbackCompletionQueue>(self) is { } o ? o.GetResults(results, count) : 0;
        }
        catch (Exception e)
        {
            Crash(self, e);
            return 0;
        }
    }
}
