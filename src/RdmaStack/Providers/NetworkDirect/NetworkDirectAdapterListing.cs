using System.Net;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>One NetworkDirect adapter as discovery found it (for `rdmastack devices` on Windows), or a provider
/// that could not be used and why.</summary>
/// <param name="Provider">The provider library's catalog name.</param>
/// <param name="Path">Its DLL.</param>
/// <param name="AdapterId">The adapter's id (IND2Provider::ResolveAddress); 0 with a <paramref name="Problem"/>.</param>
/// <param name="Addresses">The local addresses it serves.</param>
/// <param name="Info">Its limits, or null with a <paramref name="Problem"/>.</param>
/// <param name="Problem">Why the provider or adapter could not be opened, or null.</param>
internal sealed record NetworkDirectAdapterListing(string Provider, string Path, ulong AdapterId, IReadOnlyList<IPAddress> Addresses, NetworkDirectAdapterInfo? Info, string? Problem);
