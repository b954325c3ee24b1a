using System.Runtime.CompilerServices;
using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Providers.SharedMemory;

/// <summary>
/// The shared-memory provider's data path: a "remote write" is a store into the peer's mapping.
/// </summary>
/// <remarks>
/// It keeps RDMA's contract (writes land in posting order; a signaled completion retires its batch)
/// and is stronger inside one write: the first 8 bytes are stored last, as one release store, when the
/// write is 8-byte aligned and at least 8 bytes long. A reader that acquires the first word therefore sees
/// the rest, so the channel answers <see cref="WritesCanTear"/> false and the queue writes no CRC over it.
/// The peer's region is mapped in this process, so a writer may also write slots in place
/// (<see cref="IDirectWriteChannel"/>); the peer's pages are faulted in when it is attached.
/// The peer's mapping may be attached lazily (the reader learns the writer's control block only
/// after the writer arrives): until then <see cref="PostWrite"/> returns <see cref="WriteStatus.NotConnected"/>.
/// </remarks>
internal sealed unsafe class SharedMemoryChannel : IRemoteWriteChannel, IDirectWriteChannel
{
    /// <summary>The depth the channel reports; stores complete at once, so it only bounds batching.</summary>
    public const int Depth = 1024;

    /// <summary>Copies this long may go through non-temporal stores (the C library's memmove does so for
    /// large blocks), which a release store does not order: a store fence follows them.</summary>
    private const int NonTemporalCopyThreshold = 64 * 1024;

    private readonly string _peerPath;
    private readonly SharedMappingKind _peerKind;
    private readonly SegmentedQueueGeometry? _geometry;
    private readonly long _peerLength;
    private readonly byte* _source;
    private readonly long _sourceLength;
    private MemoryRegion? _peer;
    private byte* _target;
    private int _completed;
    private bool _disposed;

    /// <summary>A channel to a peer mapping already attached; the channel owns <paramref name="peer"/> and
    /// disposes it (in one process, pass the other end's region through <see cref="MemoryRegion.Share"/>).</summary>
    public SharedMemoryChannel(MemoryRegion source, MemoryRegion peer)
    {
        Source = source;
        _source = source.Pointer;
        _sourceLength = source.Length;
        _peerPath = peer.Name;
        _peerLength = peer.Length;
        _peer = peer;
        _target = peer.Pointer;
        PageFaults.Prefault(_target, _peerLength);
    }

    /// <summary>A channel that attaches to the peer's mapping at <paramref name="peerPath"/> on first use.</summary>
    public SharedMemoryChannel(MemoryRegion source, string peerPath, SharedMappingKind peerKind, SegmentedQueueGeometry geometry, long peerLength)
    {
        Source = source;
        _source = source.Pointer;
        _sourceLength = source.Length;
        _peerPath = peerPath;
        _peerKind = peerKind;
        _geometry = geometry;
        _peerLength = peerLength;
    }

    /// <inheritdoc/>
    public MemoryRegion Source { get; }

    /// <inheritdoc/>
    public long RemoteLength => _peer?.Length ?? 0;

    /// <inheritdoc/>
    public int SendQueueDepth => Depth;

    /// <inheritdoc/>
    public bool IsConnected => _target != null && !_disposed;

    /// <summary>False: the first 8 bytes of a write are stored last, with release semantics.</summary>
    public bool WritesCanTear => false;

    /// <inheritdoc/>
    public byte* DirectTarget => _target;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public WriteStatus PostWrite(long sourceOffset, long remoteOffset, int length, bool signaled)
    {
        byte* target = _target;
        if (target == null)
        {
            WriteStatus connected = Connect();
            if (connected != WriteStatus.Posted)
            {
                return connected;
            }

            target = _target;
        }

        if ((ulong)sourceOffset + (uint)length > (ulong)_sourceLength || (ulong)remoteOffset + (uint)length > (ulong)_peerLength)
        {
            return WriteStatus.AccessError;
        }

        byte* s = _source + sourceOffset;
        byte* d = target + remoteOffset;
        if (length >= sizeof(long))
        {
            Buffer.MemoryCopy(s + sizeof(long), d + sizeof(long), length - sizeof(long), length - sizeof(long));
            if (length > NonTemporalCopyThreshold && System.Runtime.Intrinsics.X86.Sse.IsSupported)
            {
                System.Runtime.Intrinsics.X86.Sse.StoreFence();
            }

            Volatile.Write(ref *(long*)d, *(long*)s);
        }
        else
        {
            Buffer.MemoryCopy(s, d, length, length);
        }

        if (signaled)
        {
            _completed++;
        }

        return WriteStatus.Posted;
    }

    /// <inheritdoc/>
    public int PollCompletions()
    {
        int done = _completed;
        _completed = 0;
        return done;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _target = null;
        _peer?.Dispose();
        Source.Dispose();
    }

    /// <summary>Attaches the peer's mapping; <see cref="WriteStatus.Posted"/> means "attached, go on".</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private WriteStatus Connect()
    {
        if (_disposed)
        {
            return WriteStatus.Closed;
        }

        if (_geometry is null)
        {
            return WriteStatus.NotConnected;
        }

        MemoryRegion? peer = SharedMapping.TryAttach(_peerPath, _peerKind, _geometry, _peerLength, out _);
        if (peer is null)
        {
            return WriteStatus.NotConnected;
        }

        _peer = peer;
        _target = peer.Pointer;
        PageFaults.Prefault(_target, _peerLength);
        return WriteStatus.Posted;
    }
}
