using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>What IND2Adapter::Query said about an adapter (ND2_ADAPTER_INFO), in the units the provider uses.</summary>
internal sealed record NetworkDirectAdapterInfo
{
    /// <summary>Copies the fields of <paramref name="info"/>.</summary>
    public NetworkDirectAdapterInfo(in ND2_ADAPTER_INFO info)
    {
        VendorId = info.VendorId;
        DeviceId = info.DeviceId;
        AdapterId = info.AdapterId;
        MaxRegistrationSize = (ulong)info.MaxRegistrationSize;
        MaxInitiatorSge = info.MaxInitiatorSge;
        MaxTransferLength = info.MaxTransferLength;
        MaxInlineDataSize = info.MaxInlineDataSize;
        MaxReceiveQueueDepth = info.MaxReceiveQueueDepth;
        MaxInitiatorQueueDepth = info.MaxInitiatorQueueDepth;
        MaxCompletionQueueDepth = info.MaxCompletionQueueDepth;
        InlineRequestThreshold = info.InlineRequestThreshold;
        MaxCallerData = info.MaxCallerData;
        MaxCalleeData = info.MaxCalleeData;
        AdapterFlags = info.AdapterFlags;
    }

    /// <summary>The vendor (usually its OUI; 0x02C9 is Mellanox/NVIDIA).</summary>
    public ushort VendorId { get; }

    /// <summary>The vendor's device id.</summary>
    public ushort DeviceId { get; }

    /// <summary>The adapter's unique id.</summary>
    public ulong AdapterId { get; }

    /// <summary>Largest single registration, in bytes.</summary>
    public ulong MaxRegistrationSize { get; }

    /// <summary>Scatter/gather entries per Write.</summary>
    public uint MaxInitiatorSge { get; }

    /// <summary>Bytes one request may transfer.</summary>
    public uint MaxTransferLength { get; }

    /// <summary>Bytes a queue pair may carry inline in one Write.</summary>
    public uint MaxInlineDataSize { get; }

    /// <summary>Receives outstanding per queue pair.</summary>
    public uint MaxReceiveQueueDepth { get; }

    /// <summary>Writes outstanding per queue pair.</summary>
    public uint MaxInitiatorQueueDepth { get; }

    /// <summary>Results per completion queue.</summary>
    public uint MaxCompletionQueueDepth { get; }

    /// <summary>The size below which an inline Write beats DMA from registered memory.</summary>
    public uint InlineRequestThreshold { get; }

    /// <summary>Private data bytes a Connect may carry.</summary>
    public uint MaxCallerData { get; }

    /// <summary>Private data bytes an Accept may carry.</summary>
    public uint MaxCalleeData { get; }

    /// <summary>ND_ADAPTER_FLAG_* capabilities.</summary>
    public uint AdapterFlags { get; }
}
