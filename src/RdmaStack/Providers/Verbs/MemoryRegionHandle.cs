using System.Runtime.InteropServices;
using RdmaStack.Interop;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>A registered memory region (ibv_reg_mr), holding its protection domain and its memory alive.</summary>
internal sealed unsafe class MemoryRegionHandle(ibv_mr* mr, ProtectionDomainHandle pd, SafeHandle memory)
    : VerbsHandle(VerbsHandleKind.MemoryRegion, (nint)mr, pd, memory)
{
    public ibv_mr* Pointer => (ibv_mr*)handle;

    protected override int Destroy() => ibverbs.ibv_dereg_mr((ibv_mr*)handle);
}
