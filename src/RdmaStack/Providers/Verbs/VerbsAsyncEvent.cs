using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>One asynchronous event of a device (ibv_get_async_event): a port going down or up, a queue pair
/// that hit a fatal error, a device failure.</summary>
/// <param name="Code">The <c>ibv_event_type</c> value (e.g. 10 = IBV_EVENT_PORT_ERR, 1 = IBV_EVENT_QP_FATAL).</param>
/// <param name="Name">libibverbs' text for it (ibv_event_type_str), e.g. "port error".</param>
/// <param name="PortNumber">The port, for port events; 0 otherwise.</param>
/// <param name="QueuePairNumber">The queue pair number, for queue pair events; 0 otherwise.</param>
internal sealed record VerbsAsyncEvent(int Code, string Name, int PortNumber, uint QueuePairNumber)
{
    /// <summary>IBV_EVENT_QP_FATAL.</summary>
    public const int QueuePairFatal = 1;

    /// <summary>IBV_EVENT_QP_REQ_ERR (the queue pair moved to the error state on a requester error).</summary>
    public const int QueuePairRequestError = 2;

    /// <summary>IBV_EVENT_QP_ACCESS_ERR (a remote access error moved the queue pair to the error state).</summary>
    public const int QueuePairAccessError = 3;

    /// <summary>IBV_EVENT_DEVICE_FATAL.</summary>
    public const int DeviceFatal = 8;

    /// <summary>IBV_EVENT_PORT_ACTIVE.</summary>
    public const int PortActive = 9;

    /// <summary>IBV_EVENT_PORT_ERR.</summary>
    public const int PortError = 10;
}
