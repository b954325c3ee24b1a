using RdmaStack.Providers.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>Stands in for the Winsock catalog: one provider library whose DllGetClassObject is the test double's.</summary>
internal sealed unsafe class LoopbackProviderSource(LoopbackFabric fabric) : INetworkDirectProviderSource
{
    public const string LibraryName = "RdmaStack loopback NetworkDirect (test double)";

    public string Description => "the loopback NetworkDirect test double";

    public IReadOnlyList<NetworkDirectProviderLibrary> LoadProviders() =>
        [new NetworkDirectProviderLibrary(LibraryName, "(in-process test double)", fabric.ProviderId, &LoopbackVtables.DllGetClassObject)];

    public int CloseOverlappedFile(nint handle) => fabric.CloseFile(handle);
}
