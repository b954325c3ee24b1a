namespace RdmaStack;

/// <summary>The fabric a <see cref="Fabric"/> moves messages over.</summary>
/// <remarks>The value travels in the connection handshake, so the numbers are part of the wire format.</remarks>
public enum ProviderKind : byte
{
    /// <summary>Shared memory between processes of one host: a remote write is a store into the peer's mapping
    /// (/dev/shm). No device; the links of a stream are separate mappings.</summary>
    SharedMemory = 1,

    /// <summary>RDMA verbs (libibverbs): RoCE v2 or native InfiniBand ports, reliable connected queue pairs and
    /// RDMA WRITE. Each link names a device (mlx5_0, rxe0).</summary>
    Verbs = 2,

    /// <summary>NetworkDirect v2, the RDMA interface of Windows (NVIDIA WinOF-2, Azure's RDMA VMs): reliable connections
    /// set up through IND2Connector and IND2Listener, and IND2QueuePair::Write. Each link names its adapter by the
    /// adapter's local IP address (<see cref="LinkOptions.Device"/>). Windows only: elsewhere
    /// <see cref="Fabric.Connect"/> refuses it.</summary>
    NetworkDirect = 3,
}
