using RdmaStack.Memory;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>Native memory and its registration: disposing deregisters the MR, then frees the memory.</summary>
internal sealed unsafe class RegisteredMemory : IDisposable
{
    private readonly MemoryRegionHandle _mr;
    private readonly NativeMemoryHandle _memory;

    public RegisteredMemory(MemoryRegionHandle mr, NativeMemoryHandle memory, long length, string name)
    {
        _mr = mr;
        _memory = memory;
        LocalKey = mr.Pointer->lkey;
        RemoteKey = mr.Pointer->rkey;
        Address = (ulong)mr.Pointer->addr;
        Region = new MemoryRegion(memory, (byte*)memory.DangerousGetHandle(), length, name, this);
    }

    /// <summary>The region the queues use; disposing it disposes this.</summary>
    public MemoryRegion Region { get; }

    public uint LocalKey { get; }

    public uint RemoteKey { get; }

    public ulong Address { get; }

    public void Dispose()
    {
        _mr.Dispose();
        _memory.Dispose();
    }
}
