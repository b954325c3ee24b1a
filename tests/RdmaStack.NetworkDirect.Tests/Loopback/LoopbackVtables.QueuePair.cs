using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2QueuePair vtable: one [UnmanagedCallersOnly] entry per slot, dispatching to <see cref="LoopbackQueuePair"/>.</summary>
internal static unsafe partial class LoopbackVtables
{
    /// <summary>The IND2QueuePair vtable every <see cref="LoopbackQueuePair"/> points to.</summary>
    public static void* QueuePair { get; } = CreateQueuePair();

    private static void* CreateQueuePair()
    {
        var v = (IND2QueuePair.Vtbl*)NativeMemory.AllocZeroed((nuint)sizeof(IND2QueuePair.Vtbl));
        v->QueryInterface = (delegate* unmanaged[Stdcall]<IND2QueuePair*, Guid*, void**, int>)(delegate* unmanaged[Stdcall]<void*, Guid*, void**, int>)&UnknownQueryInterface;
        v->AddRef = (delegate* unmanaged[Stdcall]<IND2QueuePair*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownAddRef;
        v->Release = (delegate* unmanaged[Stdcall]<IND2QueuePair*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownRelease;
        v->Flush = &QueuePairFlush;
        v->Send = &QueuePairSend;
        v->Receive = &QueuePairReceive;
        v->Bind = &QueuePairBind;
        v->Invalidate = &QueuePairInvalidate;
        v->Read = &QueuePairRead;
        v->Write = &QueuePairWrite;
        return v;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int QueuePairFlush(IND2QueuePair* self)
    {
        try
        {
            return LoopbackComObject.From<LoopbackQueuePair>(self) is { } o ? o.Flush() : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int QueuePairSend(IND2QueuePair* self, void* context, ND2_SGE* sge, uint count, uint flags)
    {
        try
        {
            return LoopbackComObject.From<LoopbackQueuePair>(self) is { } o ? o.Send(context, sge, count, flags) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int QueuePairReceive(IND2QueuePair* self, void* context, ND2_SGE* sge, uint count)
    {
        try
        {
            return LoopbackComObject.From<LoopbackQueuePair>(self) is { } o ? o.Receive(context, sge, count) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int QueuePairBind(IND2QueuePair* self, void* context, IUnknown* region, IUnknown* window, void* buffer, nuint length, uint flags)
    {
        try
        {
            return LoopbackComObject.From<LoopbackQueuePair>(self) is { } o ? NotSupported(o, "IND2QueuePair::Bind") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int QueuePairInvalidate(IND2QueuePair* self, void* context, IUnknown* window, uint flags)
    {
        try
        {
            return LoopbackComObject.From<LoopbackQueuePair>(self) is { } o ? NotSupported(o, "IND2QueuePair::Invalidate") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int QueuePairRead(IND2QueuePair* self, void* context, ND2_SGE* sge, uint count, ulong remoteAddress, uint remoteToken, uint flags)
    {
        try
        {
            return LoopbackComObject.From<LoopbackQueuePair>(self) is { } o ? NotSupported(o, "IND2QueuePair::Read") : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int QueuePairWrite(IND2QueuePair* self, void* context, ND2_SGE* sge, uint count, ulong remoteAddress, uint remoteToken, uint flags)
    {
        try
        {
            return LoopbackComObject.From<LoopbackQueuePair>(self) is { } o ? o.Write(context, sge, count, remoteAddress, remoteToken, flags) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }
}
