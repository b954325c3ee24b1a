using System.Net;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>
/// One NetworkDirect adapter of this Windows host, as its provider reports it: which provider serves it, the local
/// addresses it serves (a link names the adapter by one of them, <see cref="LinkOptions.Device"/>), and the limits
/// IND2Adapter::Query gives (ND2_ADAPTER_INFO). A provider or adapter that could not be opened is listed with
/// <see cref="Problem"/> and no limits.
/// </summary>
/// <param name="Provider">The provider's name in the Winsock catalog.</param>
/// <param name="LibraryPath">The provider's DLL.</param>
/// <param name="AdapterId">The adapter's id (IND2Provider::ResolveAddress); 0 when the provider could not be opened.</param>
/// <param name="Addresses">The local addresses the adapter serves.</param>
public sealed record NetworkDirectDeviceInfo(string Provider, string LibraryPath, ulong AdapterId, IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>The vendor's id (0x15B3 for NVIDIA/Mellanox).</summary>
    public int VendorId { get; init; }

    /// <summary>The vendor's device id.</summary>
    public int DeviceId { get; init; }

    /// <summary>Bytes a queue pair can carry inline in one write.</summary>
    public long MaxInlineData { get; init; }

    /// <summary>The size up to which an inline write beats one from registered memory.</summary>
    public long InlineThreshold { get; init; }

    /// <summary>Writes a queue pair can have outstanding.</summary>
    public long MaxQueueDepth { get; init; }

    /// <summary>Results a completion queue can hold.</summary>
    public long MaxCompletionQueueDepth { get; init; }

    /// <summary>Bytes of private data a connection request can carry (RdmaStack needs 40).</summary>
    public int MaxConnectPrivateData { get; init; }

    /// <summary>Bytes of private data an acceptance can carry (RdmaStack needs 40).</summary>
    public int MaxAcceptPrivateData { get; init; }

    /// <summary>Whether the adapter connects to itself (two processes of one host over one adapter).</summary>
    public bool SupportsLoopbackConnections { get; init; }

    /// <summary>Why the provider or the adapter could not be opened, or null.</summary>
    public string? Problem { get; init; }
}
