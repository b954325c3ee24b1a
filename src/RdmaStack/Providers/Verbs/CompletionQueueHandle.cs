using RdmaStack.Interop;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>A completion queue (ibv_create_cq), holding its context open.</summary>
internal sealed unsafe class CompletionQueueHandle(ibv_cq* cq, ContextHandle context)
    : VerbsHandle(VerbsHandleKind.CompletionQueue, (nint)cq, context)
{
    public ibv_cq* Pointer => (ibv_cq*)handle;

    protected override int Destroy() => ibverbs.ibv_destroy_cq((ibv_cq*)handle);
}
