using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The IClassFactory a provider library may hand out from DllGetClassObject instead of the provider.</summary>
internal sealed unsafe class LoopbackClassFactory(LoopbackFabric fabric)
    : LoopbackComObject(fabric, LoopbackVtables.ClassFactory, "ClassFactory")
{
    private static readonly Guid[] s_interfaces = [ndspi.IID_IClassFactory];

    protected override ReadOnlySpan<Guid> Interfaces => s_interfaces;

    public int CreateInstance(void* outer, Guid* iid, void** result)
    {
        *result = null;
        if (outer != null)
        {
            return unchecked((int)0x80040110); // CLASS_E_NOAGGREGATION
        }

        if (*iid != ndspi.IID_IND2Provider)
        {
            return winerror.E_NOINTERFACE;
        }

        *result = new LoopbackProvider(Fabric).Pointer;
        return winerror.S_OK;
    }
}
