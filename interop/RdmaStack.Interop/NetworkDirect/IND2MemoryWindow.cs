namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>IND2MemoryWindow</c> (ndspi.h): a window bound to part of a memory region by
/// IND2QueuePair::Bind. RdmaStack registers its regions directly and binds no windows; the vtable is here
/// because IND2Adapter's CreateMemoryWindow hands one out.</summary>
public unsafe struct IND2MemoryWindow
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>IND2MemoryWindow's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryWindow*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryWindow*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryWindow*, uint> Release;

        /// <summary>Slot 3: <c>UINT32 GetRemoteToken()</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2MemoryWindow*, uint> GetRemoteToken;
    }
}
