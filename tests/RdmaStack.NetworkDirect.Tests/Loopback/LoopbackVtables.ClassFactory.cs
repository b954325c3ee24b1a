using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IClassFactory vtable: one [UnmanagedCallersOnly] entry per slot, dispatching to <see cref="LoopbackClassFactory"/>.</summary>
internal static unsafe partial class LoopbackVtables
{
    /// <summary>The IClassFactory vtable every <see cref="LoopbackClassFactory"/> points to.</summary>
    public static void* ClassFactory { get; } = CreateClassFactory();

    private static void* CreateClassFactory()
    {
        var v = (IClassFactory.Vtbl*)NativeMemory.AllocZeroed((nuint)sizeof(IClassFactory.Vtbl));
        v->QueryInterface = (delegate* unmanaged[Stdcall]<IClassFactory*, Guid*, void**, int>)(delegate* unmanaged[Stdcall]<void*, Guid*, void**, int>)&UnknownQueryInterface;
        v->AddRef = (delegate* unmanaged[Stdcall]<IClassFactory*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownAddRef;
        v->Release = (delegate* unmanaged[Stdcall]<IClassFactory*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownRelease;
        v->CreateInstance = &ClassFactoryCreateInstance;
        v->LockServer = &ClassFactoryLockServer;
        return v;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ClassFactoryCreateInstance(IClassFactory* self, IUnknown* outer, Guid* iid, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackClassFactory>(self) is { } o ? o.CreateInstance(outer, iid, result) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ClassFactoryLockServer(IClassFactory* self, int lockServer)
    {
        try
        {
            return LoopbackComObject.From<LoopbackClassFactory>(self) is { } o ? winerror.S_OK : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }
}
