namespace RdmaStack.Providers.NetworkDirect;

/// <summary>The NetworkDirect adapters of this Windows host (what <c>rdmastack devices</c> shows there).</summary>
public static class NetworkDirectDevice
{
    /// <summary>
    /// Lists every adapter of every NetworkDirect v2 provider in the Winsock catalog, with the addresses it serves and
    /// its limits; a provider or adapter that cannot be opened is listed with the reason.
    /// </summary>
    /// <returns>The adapters, provider by provider; empty when no provider is installed.</returns>
    /// <exception cref="PlatformNotSupportedException">Not on Windows: the message names the platform.</exception>
    /// <exception cref="TransportException">The Winsock catalog could not be read.</exception>
    /// <remarks>Opens each adapter for the duration of the call and releases it again.</remarks>
    public static IReadOnlyList<NetworkDirectDeviceInfo> List() => NetworkDirectDiscovery.ListAdapters();
}
