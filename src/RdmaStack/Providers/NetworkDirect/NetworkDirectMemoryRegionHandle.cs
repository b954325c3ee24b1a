using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>An IND2MemoryRegion: once <see cref="IsRegistered"/>, its release deregisters the buffer first
/// (waiting for a pending Deregister), then drops the reference. Its parents include the buffer's memory, so the
/// memory is freed only after the adapter let go of it.</summary>
internal sealed unsafe class NetworkDirectMemoryRegionHandle(void* region, params SafeHandle[] parents)
    : NetworkDirectObjectHandle(NetworkDirectHandleKind.MemoryRegion, region, parents)
{
    /// <summary>Set once Register succeeded.</summary>
    public bool IsRegistered { get; set; }

    /// <inheritdoc/>
    protected override int Destroy()
    {
        int status = ndstatus.ND_SUCCESS;
        if (IsRegistered)
        {
            var mr = (IND2MemoryRegion*)handle;
            using var overlapped = new NetworkDirectOverlapped();
            status = overlapped.Complete((IND2Overlapped*)mr, mr->Deregister(overlapped.Reset()), NetworkDirectOverlapped.TeardownTimeout);
        }

        base.Destroy();
        return status;
    }
}
