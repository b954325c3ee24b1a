using System.Runtime.InteropServices;
using RdmaStack.Memory;

namespace RdmaStack.Transport;

/// <summary>
/// A block of native memory a provider handed out: the source of one-sided writes, or the target a
/// peer writes into (for the shared-memory provider, a shared mapping; for verbs, a registered MR).
/// Its address is stable for the life of the object.
/// </summary>
/// <remarks>
/// The owning <see cref="SafeHandle"/> is referenced once at creation and released on
/// <see cref="Dispose"/>; the data path uses the cached address and never touches the handle.
/// Not thread-safe for disposal; reads and writes of the memory follow the queue's own protocol.
/// </remarks>
internal sealed unsafe class MemoryRegion : IDisposable
{
    private readonly SafeHandle _owner;
    private readonly IDisposable? _resources;
    private int _disposed;

    internal MemoryRegion(SafeHandle owner, byte* pointer, long length, string name, IDisposable? resources = null)
    {
        bool added = false;
        owner.DangerousAddRef(ref added);
        _owner = owner;
        _resources = resources;
        Pointer = pointer;
        Length = length;
        Name = name;
    }

    /// <summary>Length of the region in bytes.</summary>
    public long Length { get; }

    /// <summary>What the region is, for error messages (e.g. the shared mapping's path).</summary>
    public string Name { get; }

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>True once the memory itself is gone: this region and every <see cref="Share"/> of it disposed.</summary>
    internal bool IsReleased => _owner.IsClosed;

    /// <summary>The region's first byte; valid until <see cref="Dispose"/>.</summary>
    internal byte* Pointer { get; }

    /// <summary>Allocates a private, page-aligned, zeroed region.</summary>
    /// <param name="length">Size in bytes.</param>
    /// <param name="name">What it is for, for diagnostics.</param>
    /// <returns>The region.</returns>
    public static MemoryRegion AllocatePrivate(long length, string name)
    {
        NativeMemoryHandle handle = NativeMemoryHandle.Allocate(length);
        var region = new MemoryRegion(handle, (byte*)handle.DangerousGetHandle(), length, name, handle);
        return region;
    }

    /// <summary>Another reference to the same memory, for a user in this process that must not outlive it
    /// (a local pair's channel writing into the other end's ring or control block): the memory is freed only
    /// once this and every other reference are disposed, whichever goes first.</summary>
    /// <returns>A region over the same memory; disposing it releases only its own reference.</returns>
    internal MemoryRegion Share()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return new MemoryRegion(_owner, Pointer, Length, Name);
    }

    /// <summary>A view of part of the region (set-up and tests; the data path uses its own cursor).</summary>
    /// <param name="offset">Byte offset into the region.</param>
    /// <param name="length">Number of bytes.</param>
    /// <returns>The bytes.</returns>
    public Span<byte> GetSpan(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if ((ulong)offset > (ulong)Length || (ulong)length > (ulong)(Length - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset}+{length}) is outside region '{Name}' of {Length} bytes.");
        }

        return new Span<byte>(Pointer + offset, length);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _owner.DangerousRelease();
        _resources?.Dispose();
    }
}
