using System.Net;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>One adapter of the loopback double as hardware: its address, id and limits, and whether it has been
/// removed (every <see cref="LoopbackAdapter"/> opened on it shares this).</summary>
internal sealed class LoopbackDevice
{
    public LoopbackDevice(ulong id, IPAddress address, ND2_ADAPTER_INFO info)
    {
        Id = id;
        Address = address;
        Info = info;
    }

    public ulong Id { get; }

    public IPAddress Address { get; }

    public ND2_ADAPTER_INFO Info { get; }

    public bool Removed { get; set; }

    /// <summary>The limits a loopback adapter reports unless a test changes them: 64 B inline (so a slot of 64 B
    /// goes by DMA and the head and heartbeat inline), IB-like private data sizes, loopback connections.</summary>
    public static ND2_ADAPTER_INFO DefaultInfo(ulong id) => new()
    {
        InfoVersion = 1,
        AdapterId = id,
        MaxRegistrationSize = 1 << 30,
        MaxWindowSize = 1 << 30,
        MaxInitiatorSge = 4,
        MaxReceiveSge = 4,
        MaxReadSge = 4,
        MaxTransferLength = 1 << 30,
        MaxInlineDataSize = 64,
        MaxReceiveQueueDepth = 16,
        MaxInitiatorQueueDepth = 1024,
        MaxCompletionQueueDepth = 4096,
        InlineRequestThreshold = 64,
        LargeRequestThreshold = 4096,
        MaxCallerData = 56,
        MaxCalleeData = 148,
        AdapterFlags = nddef.ND_ADAPTER_FLAG_LOOPBACK_CONNECTIONS_SUPPORTED,
    };
}
