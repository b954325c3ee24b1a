using System.Runtime.InteropServices;
using RdmaStack.Native;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>An adapter's overlapped file (IND2Adapter::CreateOverlappedFile), closed through the provider source
/// (CloseHandle on Windows) after every object whose overlapped requests run on it.</summary>
internal sealed class NetworkDirectOverlappedFileHandle(nint file, INetworkDirectProviderSource source, SafeHandle adapter)
    : NativeObjectHandle<NetworkDirectHandleKind>(NetworkDirectHandleKind.OverlappedFile, file, adapter)
{
    /// <summary>The file handle, for the Create* calls.</summary>
    public nint File => handle;

    /// <inheritdoc/>
    protected override int Destroy() => source.CloseOverlappedFile(handle);
}
