using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Native;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// Owns one reference on a NetworkDirect COM object (IND2Adapter, IND2QueuePair, ...), dropped with
/// IUnknown::Release; the parents it names stay alive until then, so objects go in reverse creation order.
/// </summary>
internal unsafe class NetworkDirectObjectHandle : NativeObjectHandle<NetworkDirectHandleKind>
{
    /// <summary>Takes ownership of the reference <paramref name="pointer"/> carries.</summary>
    public NetworkDirectObjectHandle(NetworkDirectHandleKind kind, void* pointer, params SafeHandle[] parents)
        : base(kind, (nint)pointer, parents)
    {
    }

    /// <summary>The object as its IUnknown.</summary>
    public IUnknown* Unknown => (IUnknown*)handle;

    /// <summary>The object as <typeparamref name="T"/> (the interface it was created as).</summary>
    public T* As<T>()
        where T : unmanaged => (T*)handle;

    /// <inheritdoc/>
    protected override int Destroy()
    {
        ((IUnknown*)handle)->Release();
        return 0;
    }
}
