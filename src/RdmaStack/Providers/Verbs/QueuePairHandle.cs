using RdmaStack.Interop;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>A queue pair (ibv_create_qp), holding its protection domain and its completion queue alive.</summary>
internal sealed unsafe class QueuePairHandle(ibv_qp* qp, ProtectionDomainHandle pd, CompletionQueueHandle cq)
    : VerbsHandle(VerbsHandleKind.QueuePair, (nint)qp, pd, cq)
{
    public ibv_qp* Pointer => (ibv_qp*)handle;

    protected override int Destroy() => ibverbs.ibv_destroy_qp((ibv_qp*)handle);
}
