using RdmaStack.Interop;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>An open device context (ibv_open_device); closed with ibv_close_device after all its children.</summary>
internal sealed unsafe class ContextHandle(ibv_context* context) : VerbsHandle(VerbsHandleKind.Context, (nint)context)
{
    public ibv_context* Pointer => (ibv_context*)handle;

    protected override int Destroy() => ibverbs.ibv_close_device((ibv_context*)handle);
}
