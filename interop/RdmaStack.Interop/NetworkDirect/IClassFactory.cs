using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary>COM's class factory, which a provider library's <c>DllGetClassObject</c> may hand out instead of the
/// provider itself; <see cref="CreateInstance"/> then makes the <see cref="IND2Provider"/>.</summary>
public unsafe struct IClassFactory
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 2: drops a reference.</summary>
    /// <returns>The new count.</returns>
    public uint Release() => lpVtbl->Release((IClassFactory*)Unsafe.AsPointer(ref this));

    /// <summary>Slot 3: creates an object.</summary>
    /// <param name="pUnkOuter">Aggregation outer object; always null here.</param>
    /// <param name="riid">The interface wanted.</param>
    /// <param name="ppvObject">Receives it.</param>
    /// <returns>An HRESULT.</returns>
    public int CreateInstance(IUnknown* pUnkOuter, Guid* riid, void** ppvObject) =>
        lpVtbl->CreateInstance((IClassFactory*)Unsafe.AsPointer(ref this), pUnkOuter, riid, ppvObject);

    /// <summary>IClassFactory's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IClassFactory*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IClassFactory*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IClassFactory*, uint> Release;

        /// <summary>Slot 3: <c>CreateInstance(IUnknown* pUnkOuter, REFIID riid, void** ppvObject)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IClassFactory*, IUnknown*, Guid*, void**, int> CreateInstance;

        /// <summary>Slot 4: <c>LockServer(BOOL fLock)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IClassFactory*, int, int> LockServer;
    }
}
