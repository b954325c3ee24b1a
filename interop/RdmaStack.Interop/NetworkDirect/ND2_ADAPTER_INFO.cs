namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>ND2_ADAPTER_INFO</c> (nddef.h): an adapter's limits and capabilities, from IND2Adapter::Query
/// (96 bytes on x64; SIZE_T is pointer-sized).</summary>
public struct ND2_ADAPTER_INFO
{
    /// <summary>The structure's version; set to 1 before the query.</summary>
    public uint InfoVersion;

    /// <summary>The vendor (usually its OUI).</summary>
    public ushort VendorId;

    /// <summary>The vendor's device id.</summary>
    public ushort DeviceId;

    /// <summary>The adapter's unique id.</summary>
    public ulong AdapterId;

    /// <summary>Largest single registration, in bytes.</summary>
    public nuint MaxRegistrationSize;

    /// <summary>Unused by version 2.</summary>
    public nuint MaxWindowSize;

    /// <summary>Scatter/gather entries per Send or Write.</summary>
    public uint MaxInitiatorSge;

    /// <summary>Scatter/gather entries per Receive.</summary>
    public uint MaxReceiveSge;

    /// <summary>Scatter/gather entries per Read.</summary>
    public uint MaxReadSge;

    /// <summary>Bytes one request may transfer.</summary>
    public uint MaxTransferLength;

    /// <summary>Bytes a queue pair may carry inline in one Send or Write.</summary>
    public uint MaxInlineDataSize;

    /// <summary>RDMA Reads served at once per queue pair.</summary>
    public uint MaxInboundReadLimit;

    /// <summary>RDMA Reads issued at once per queue pair.</summary>
    public uint MaxOutboundReadLimit;

    /// <summary>Receives outstanding per queue pair.</summary>
    public uint MaxReceiveQueueDepth;

    /// <summary>Initiator requests (Send, Read, Write, Bind, Invalidate) outstanding per queue pair.</summary>
    public uint MaxInitiatorQueueDepth;

    /// <summary>Receives outstanding per shared receive queue (0: none supported).</summary>
    public uint MaxSharedReceiveQueueDepth;

    /// <summary>Results a completion queue holds.</summary>
    public uint MaxCompletionQueueDepth;

    /// <summary>The size below which an inline Send or Write beats DMA from registered memory.</summary>
    public uint InlineRequestThreshold;

    /// <summary>The size above which Read and Write beat Send and Receive.</summary>
    public uint LargeRequestThreshold;

    /// <summary>Bytes of private data IND2Connector::Connect may send.</summary>
    public uint MaxCallerData;

    /// <summary>Bytes of private data IND2Connector::Accept or Reject may send.</summary>
    public uint MaxCalleeData;

    /// <summary>ND_ADAPTER_FLAG_* capabilities.</summary>
    public uint AdapterFlags;
}
