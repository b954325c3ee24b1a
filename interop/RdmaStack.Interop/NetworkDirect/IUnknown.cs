using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary>The COM base interface every NetworkDirect object starts with: reference counting and interface
/// lookup (slots 0-2 of every vtable below).</summary>
public unsafe struct IUnknown
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 0: asks the object for another interface.</summary>
    /// <param name="riid">The interface wanted.</param>
    /// <param name="ppvObject">Receives it, with a reference added.</param>
    /// <returns>S_OK or E_NOINTERFACE.</returns>
    public int QueryInterface(Guid* riid, void** ppvObject) => lpVtbl->QueryInterface((IUnknown*)Unsafe.AsPointer(ref this), riid, ppvObject);

    /// <summary>Slot 1: adds a reference.</summary>
    /// <returns>The new count (for diagnostics only).</returns>
    public uint AddRef() => lpVtbl->AddRef((IUnknown*)Unsafe.AsPointer(ref this));

    /// <summary>Slot 2: drops a reference; the object is destroyed with the last one.</summary>
    /// <returns>The new count (for diagnostics only).</returns>
    public uint Release() => lpVtbl->Release((IUnknown*)Unsafe.AsPointer(ref this));

    /// <summary>IUnknown's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0.</summary>
        public delegate* unmanaged[Stdcall]<IUnknown*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1.</summary>
        public delegate* unmanaged[Stdcall]<IUnknown*, uint> AddRef;

        /// <summary>Slot 2.</summary>
        public delegate* unmanaged[Stdcall]<IUnknown*, uint> Release;
    }
}
