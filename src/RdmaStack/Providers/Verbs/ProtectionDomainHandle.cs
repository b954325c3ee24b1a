using RdmaStack.Interop;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>A protection domain (ibv_alloc_pd), holding its context open.</summary>
internal sealed unsafe class ProtectionDomainHandle(ibv_pd* pd, ContextHandle context)
    : VerbsHandle(VerbsHandleKind.ProtectionDomain, (nint)pd, context)
{
    public ibv_pd* Pointer => (ibv_pd*)handle;

    protected override int Destroy() => ibverbs.ibv_dealloc_pd((ibv_pd*)handle);
}
