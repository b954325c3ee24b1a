namespace RdmaStack.Interop.NetworkDirect;

/// <summary>The flags and versions of nddef.h.</summary>
public static class nddef
{
    /// <summary>NetworkDirect version 1 (the HPC Pack 2008 SPI).</summary>
    public const int ND_VERSION_1 = 0x1;

    /// <summary>NetworkDirect version 2 (the IND2* interfaces): a v2 provider's catalog entry carries it as iVersion.</summary>
    public const int ND_VERSION_2 = 0x20000;

    /// <summary>The adapter places a request's bytes in memory in order.</summary>
    public const uint ND_ADAPTER_FLAG_IN_ORDER_DMA_SUPPORTED = 0x00000001;

    /// <summary>Completion queue interrupt moderation.</summary>
    public const uint ND_ADAPTER_FLAG_CQ_INTERRUPT_MODERATION_SUPPORTED = 0x00000004;

    /// <summary>Completion queues progress in parallel.</summary>
    public const uint ND_ADAPTER_FLAG_MULTI_ENGINE_SUPPORTED = 0x00000008;

    /// <summary>IND2CompletionQueue::Resize works.</summary>
    public const uint ND_ADAPTER_FLAG_CQ_RESIZE_SUPPORTED = 0x00000100;

    /// <summary>Connections to the same adapter work.</summary>
    public const uint ND_ADAPTER_FLAG_LOOPBACK_CONNECTIONS_SUPPORTED = 0x00010000;

    /// <summary>Notify on completion queue errors only.</summary>
    public const uint ND_CQ_NOTIFY_ERRORS = 0;

    /// <summary>Notify on the next completion.</summary>
    public const uint ND_CQ_NOTIFY_ANY = 1;

    /// <summary>Notify on the next solicited completion.</summary>
    public const uint ND_CQ_NOTIFY_SOLICITED = 2;

    /// <summary>The adapter may write into the region (receives, read sinks).</summary>
    public const uint ND_MR_FLAG_ALLOW_LOCAL_WRITE = 0x00000001;

    /// <summary>Connected peers may read the region.</summary>
    public const uint ND_MR_FLAG_ALLOW_REMOTE_READ = 0x00000002;

    /// <summary>Connected peers may write into the region (implies local write: 0x4 | 0x1).</summary>
    public const uint ND_MR_FLAG_ALLOW_REMOTE_WRITE = 0x00000005;

    /// <summary>The region may be the sink of an RDMA Read.</summary>
    public const uint ND_MR_FLAG_RDMA_READ_SINK = 0x00000008;

    /// <summary>Do not secure the virtual memory range (AWE memory).</summary>
    public const uint ND_MR_FLAG_DO_NOT_SECURE_VM = 0x80000000;

    /// <summary>A request that succeeds leaves no result in the completion queue (a failure always does).</summary>
    public const uint ND_OP_FLAG_SILENT_SUCCESS = 0x00000001;

    /// <summary>Wait for earlier Reads before this request.</summary>
    public const uint ND_OP_FLAG_READ_FENCE = 0x00000002;

    /// <summary>The peer's completion queue notifies on this Send.</summary>
    public const uint ND_OP_FLAG_SEND_AND_SOLICIT_EVENT = 0x00000004;

    /// <summary>A bound window allows remote reads.</summary>
    public const uint ND_OP_FLAG_ALLOW_READ = 0x00000008;

    /// <summary>A bound window allows remote writes.</summary>
    public const uint ND_OP_FLAG_ALLOW_WRITE = 0x00000010;

    /// <summary>The bytes are copied into the request when it is posted (up to the queue pair's inline size); the
    /// source may be reused at once and needs no registration.</summary>
    public const uint ND_OP_FLAG_INLINE = 0x00000020;
}
