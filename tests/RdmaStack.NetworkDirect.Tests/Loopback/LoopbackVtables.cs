using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>
/// The vtables of the loopback test double, in native memory and in the slot order of the bindings (which the
/// table test holds to the published ndspi.h): every slot is an [UnmanagedCallersOnly] function that finds the
/// managed object behind the COM pointer and calls it. An exception never crosses back into the caller: it is
/// recorded on the fabric and the call returns ND_INTERNAL_ERROR; a call through a released object returns
/// ND_INVALID_HANDLE and is recorded too.
/// </summary>
internal static unsafe partial class LoopbackVtables
{
    private const int Dead = ndstatus.ND_INVALID_HANDLE;

    /// <summary>The provider library's <c>DllGetClassObject(REFCLSID, REFIID, void**)</c>: IND2Provider for the
    /// fabric whose GUID is asked for, or an IClassFactory when the fabric serves only that.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static int DllGetClassObject(Guid* classId, Guid* iid, void** result)
    {
        *result = null;
        LoopbackFabric? fabric = LoopbackFabric.Find(*classId);
        if (fabric is null)
        {
            return winerror.CLASS_E_CLASSNOTAVAILABLE;
        }

        try
        {
            if (*iid == ndspi.IID_IND2Provider && !fabric.ServeClassFactoryOnly)
            {
                *result = new LoopbackProvider(fabric).Pointer;
                return winerror.S_OK;
            }

            if (*iid == ndspi.IID_IClassFactory)
            {
                *result = new LoopbackClassFactory(fabric).Pointer;
                return winerror.S_OK;
            }

            return winerror.E_NOINTERFACE;
        }
        catch (Exception e)
        {
            fabric.Error($"DllGetClassObject threw {e}");
            return ndstatus.ND_INTERNAL_ERROR;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int UnknownQueryInterface(void* self, Guid* iid, void** result)
    {
        try
        {
            return LoopbackComObject.From<LoopbackComObject>(self) is { } o ? o.QueryInterface(iid, result) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static uint UnknownAddRef(void* self)
    {
        try
        {
            return LoopbackComObject.From<LoopbackComObject>(self) is { } o ? o.AddRef() : 0;
        }
        catch (Exception e)
        {
            Crash(self, e);
            return 0;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static uint UnknownRelease(void* self)
    {
        try
        {
            return LoopbackComObject.From<LoopbackComObject>(self) is { } o ? o.Release() : 0;
        }
        catch (Exception e)
        {
            Crash(self, e);
            return 0;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int OverlappedCancel(void* self)
    {
        try
        {
            return LoopbackComObject.From<LoopbackComObject>(self) is { } o ? o.CancelOverlappedRequests() : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int OverlappedResult(void* self, OVERLAPPED* overlapped, int wait)
    {
        try
        {
            return LoopbackComObject.From<LoopbackComObject>(self) is { } o ? o.GetOverlappedResult(overlapped, wait != 0) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    private static int NotSupported(LoopbackComObject o, string call)
    {
        o.Fabric.Log($"{o.Name}: {call} is not supported by the double");
        return ndstatus.ND_NOT_SUPPORTED;
    }

    private static int ReadLimits(uint* inbound, uint* outbound)
    {
        if (inbound != null)
        {
            *inbound = 0;
        }

        if (outbound != null)
        {
            *outbound = 0;
        }

        return ndstatus.ND_SUCCESS;
    }

    private static int Crash(void* self, Exception e)
    {
        var o = (LoopbackComObject?)GCHandle.FromIntPtr(((nint*)self)[1]).Target;
        o?.Fabric.Error($"{o.Name} threw {e}");
        return ndstatus.ND_INTERNAL_ERROR;
    }
}
