using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Memory;
using RdmaStack.Transport;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>Native, page-aligned memory registered with an adapter: disposing deregisters it, then frees it.</summary>
internal sealed unsafe class NetworkDirectRegisteredMemory : IDisposable
{
    private readonly NetworkDirectMemoryRegionHandle _region;
    private readonly NativeMemoryHandle _memory;

    public NetworkDirectRegisteredMemory(NetworkDirectMemoryRegionHandle region, NativeMemoryHandle memory, long length, uint flags, string name)
    {
        _region = region;
        _memory = memory;
        IND2MemoryRegion* mr = region.As<IND2MemoryRegion>();
        LocalToken = mr->GetLocalToken();
        RemoteToken = mr->GetRemoteToken();
        Flags = flags;
        Address = (ulong)memory.DangerousGetHandle();
        Region = new MemoryRegion(memory, (byte*)memory.DangerousGetHandle(), length, name, this);
    }

    /// <summary>The region the queues use; disposing it disposes this.</summary>
    public MemoryRegion Region { get; }

    /// <summary>For this side's scatter/gather entries.</summary>
    public uint LocalToken { get; }

    /// <summary>For the peer's Writes (meaningful only with ND_MR_FLAG_ALLOW_REMOTE_WRITE).</summary>
    public uint RemoteToken { get; }

    /// <summary>The ND_MR_FLAG_* it was registered with.</summary>
    public uint Flags { get; }

    /// <summary>The buffer's address, which the peer's Writes name.</summary>
    public ulong Address { get; }

    public void Dispose()
    {
        _region.Dispose();
        _memory.Dispose();
    }
}
