namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// Where NetworkDirect provider libraries come from, and how an adapter's overlapped file is closed. On Windows it is
/// the Winsock catalog (<see cref="WindowsNetworkDirectProviderSource"/>); tests hand in a source whose
/// DllGetClassObject is an in-process test double, so every call after that one is the same code either way.
/// </summary>
internal interface INetworkDirectProviderSource
{
    /// <summary>Where the providers come from, for messages ("the Winsock catalog").</summary>
    string Description { get; }

    /// <summary>The installed NetworkDirect v2 providers, loaded (a library that failed to load carries why).</summary>
    /// <returns>The providers; the same libraries on every call.</returns>
    IReadOnlyList<NetworkDirectProviderLibrary> LoadProviders();

    /// <summary>Closes an adapter's overlapped file (CloseHandle on Windows).</summary>
    /// <param name="handle">The handle IND2Adapter::CreateOverlappedFile returned.</param>
    /// <returns>0, or the error code of the close.</returns>
    int CloseOverlappedFile(nint handle);
}
