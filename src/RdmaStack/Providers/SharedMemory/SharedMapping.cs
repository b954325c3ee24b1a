using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using RdmaStack.Native;
using RdmaStack.Queues;
using RdmaStack.Transport;

namespace RdmaStack.Providers.SharedMemory;

/// <summary>
/// A named shared mapping (a file in /dev/shm): one header page that plays the part of the RDMA
/// handshake, then the data region a peer process writes into.
/// </summary>
/// <remarks>
/// <code>
///  +---------------------------------------------------------------+  offset 0
///  |  Magic "RDMASTK1" (8 B), written last with release semantics  |
///  +-------------------------------+-------------------------------+  offset 8
///  |  Layout version (4 B)         |  Kind: 1 ring, 2 control (4 B)|
///  +-------------------------------+-------------------------------+  offset 16
///  |  Segments (4 B)               |  Slots per segment (4 B)      |
///  +-------------------------------+-------------------------------+  offset 24
///  |  Slot payload capacity (4 B)  |  Slot stride (4 B)            |
///  +-------------------------------+-------------------------------+  offset 32
///  |  Data length (8 B)                                            |
///  +-------------------------------+-------------------------------+  offset 40
///  |  Creator's process id (4 B)   |  reserved up to the page end  |
///  +---------------------------------------------------------------+  offset 4096
///  |  Data: the ring, or the control block                         |
///  +---------------------------------------------------------------+
/// </code>
/// </remarks>
internal static unsafe class SharedMapping
{
    public const int HeaderLength = 4096;
    private const ulong Magic = 0x314B_5453_414D_4452; // "RDMASTK1" little-endian
    private const int Version = 2; // 2: the ring's trailer is 128 B at the ring's end rounded to 128

    /// <summary>Removes what processes that died without cleaning up left in <paramref name="directory"/>: mappings whose
    /// creator is gone (the owner's process id is in the header), endpoint files and temporary files likewise.</summary>
    /// <returns>How many files were removed.</returns>
    public static int RemoveStale(string directory)
    {
        int removed = 0;
        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(directory, "rdmastack.*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (string file in files)
        {
            int owner = file.EndsWith(".ring", StringComparison.Ordinal) || file.EndsWith(".ctl", StringComparison.Ordinal) ? TryReadOwner(file)
                : file.EndsWith(".endpoint", StringComparison.Ordinal) ? TryReadEndpointOwner(file)
                : file.EndsWith(".tmp", StringComparison.Ordinal) ? TryParseOwner(Path.GetExtension(Path.GetFileNameWithoutExtension(file)).TrimStart('.'))
                : 0;
            if (owner > 0 && !ProcessLiveness.IsAlive(owner))
            {
                try
                {
                    File.Delete(file);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // another user's file, or removed meanwhile: leave it
                }
            }
        }

        return removed;
    }

    /// <summary>Creates (or replaces a dead process's) mapping and returns its data region, zeroed.</summary>
    public static MemoryRegion Create(string path, SharedMappingKind kind, SegmentedQueueGeometry geometry, long dataLength)
    {
        if (File.Exists(path))
        {
            int owner = TryReadOwner(path);
            if (owner > 0 && owner != Environment.ProcessId && ProcessLiveness.IsAlive(owner))
            {
                throw new TransportException($"Shared mapping {path} is in use by process {owner}: choose another --name, or stop that process.");
            }

            File.Delete(path);
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (IOException e)
        {
            throw new TransportException($"Cannot create shared mapping {path}: {e.Message}", e);
        }

        file.SetLength(HeaderLength + dataLength);
        MemoryMappedViewAccessor accessor = Map(file, HeaderLength + dataLength, out MemoryMappedFile mapping, out byte* basePtr);
        *(int*)(basePtr + 8) = Version;
        *(int*)(basePtr + 12) = (int)kind;
        *(int*)(basePtr + 16) = geometry.Segments;
        *(int*)(basePtr + 20) = geometry.SlotsPerSegment;
        *(int*)(basePtr + 24) = geometry.SlotPayloadCapacity;
        *(int*)(basePtr + 28) = geometry.SlotStride;
        *(long*)(basePtr + 32) = dataLength;
        *(int*)(basePtr + 40) = Environment.ProcessId;
        Volatile.Write(ref *(ulong*)basePtr, Magic);
        return new MemoryRegion(accessor.SafeMemoryMappedViewHandle, basePtr + HeaderLength, dataLength, path, new Resources(accessor, mapping, path));
    }

    /// <summary>Opens a peer's mapping, waiting up to <paramref name="timeout"/> for it to appear, and checks it.</summary>
    /// <exception cref="TransportException">Missing after the timeout, another kind, or another geometry.</exception>
    public static MemoryRegion Attach(string path, SharedMappingKind kind, SegmentedQueueGeometry geometry, long dataLength, TimeSpan timeout)
    {
        MemoryRegion? region = TryAttach(path, kind, geometry, dataLength, out string? error);
        if (region is not null)
        {
            return region;
        }

        // The clock is read before each attempt: the wait ends only after an attempt made once the timeout
        // had passed, so a process paused past the deadline still gets its look at the mapping.
        var clock = Stopwatch.StartNew();
        bool expired = clock.Elapsed >= timeout;
        while (!expired)
        {
            Thread.Sleep(1);
            expired = clock.Elapsed >= timeout;
            region = TryAttach(path, kind, geometry, dataLength, out error);
            if (region is not null)
            {
                return region;
            }
        }

        throw new TransportException(error + (timeout > TimeSpan.Zero ? $" (waited {timeout.TotalSeconds:0.###} s)" : string.Empty));
    }

    /// <summary>One attempt at <see cref="Attach"/>; null with the reason when the mapping is not (yet) usable.</summary>
    public static MemoryRegion? TryAttach(string path, SharedMappingKind kind, SegmentedQueueGeometry geometry, long dataLength, out string? error)
    {
        string what = kind == SharedMappingKind.Ring ? "ring" : "control block";
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            error = $"No shared-memory {what} at {path}: start the {(kind == SharedMappingKind.Ring ? "reader" : "writer")} first, with the same --name.";
            return null;
        }

        if (file.Length < HeaderLength)
        {
            file.Dispose();
            error = $"Shared mapping {path} is still being created (or is not an RdmaStack mapping).";
            return null;
        }

        MemoryMappedViewAccessor accessor = Map(file, file.Length, out MemoryMappedFile mapping, out byte* basePtr);
        error = Validate(basePtr, file.Length, path, what, kind, geometry, dataLength);
        if (error is not null)
        {
            accessor.Dispose();
            mapping.Dispose();
            return null;
        }

        return new MemoryRegion(accessor.SafeMemoryMappedViewHandle, basePtr + HeaderLength, dataLength, path, new Resources(accessor, mapping, null));
    }

    private static string? Validate(byte* basePtr, long fileLength, string path, string what, SharedMappingKind kind, SegmentedQueueGeometry geometry, long dataLength)
    {
        if (Volatile.Read(ref *(ulong*)basePtr) != Magic)
        {
            return $"Shared mapping {path} has no RdmaStack header (not created yet, or not ours).";
        }

        int version = *(int*)(basePtr + 8);
        if (version != Version)
        {
            return $"Shared {what} {path} has layout version {version}; this build speaks version {Version}.";
        }

        if (*(int*)(basePtr + 12) != (int)kind)
        {
            return $"Shared mapping {path} is not a {what}.";
        }

        int segments = *(int*)(basePtr + 16);
        int slots = *(int*)(basePtr + 20);
        int payload = *(int*)(basePtr + 24);
        if (segments != geometry.Segments || slots != geometry.SlotsPerSegment || payload != geometry.SlotPayloadCapacity)
        {
            return $"Geometry mismatch: the {what} at {path} has {segments} segments x {slots} slots x {payload} B payload, " +
                   $"this side expects {geometry.Segments} x {geometry.SlotsPerSegment} x {geometry.SlotPayloadCapacity} B. " +
                   "Give both sides the same --segments, --slots and --size.";
        }

        long length = *(long*)(basePtr + 32);
        if (length != dataLength || fileLength < HeaderLength + dataLength)
        {
            return $"Shared {what} {path} holds {length} B of data in a {fileLength} B file; expected {dataLength} B.";
        }

        return null;
    }

    private static MemoryMappedViewAccessor Map(FileStream file, long length, out MemoryMappedFile mapping, out byte* basePtr)
    {
        mapping = MemoryMappedFile.CreateFromFile(file, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor accessor = mapping.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
        basePtr = (byte*)accessor.SafeMemoryMappedViewHandle.DangerousGetHandle() + accessor.PointerOffset;
        return accessor;
    }

    private static int TryReadEndpointOwner(string path)
    {
        try
        {
            string[] parts = File.ReadAllText(path).Split(' ');
            return parts.Length == 4 ? TryParseOwner(parts[3]) : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static int TryParseOwner(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) ? pid : 0;

    private static int TryReadOwner(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[44];
            return file.Read(header) == header.Length && BitConverter.ToUInt64(header) == Magic ? BitConverter.ToInt32(header[40..]) : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Unmaps, closes, and (for the creator) removes the file.</summary>
    private sealed class Resources(MemoryMappedViewAccessor accessor, MemoryMappedFile mapping, string? unlinkPath) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                accessor.Dispose();
            }
            catch (IOException)
            {
                // The accessor flushes before it unmaps, with msync(MS_SYNC | MS_INVALIDATE), which fails with EBUSY
                // while the process holds its memory locked (mlockall, MemoryLock.LockAll). The view is unmapped
                // whether or not the flush succeeded, and a tmpfs mapping has nothing to write back.
            }

            mapping.Dispose();
            if (unlinkPath is not null)
            {
                try
                {
                    File.Delete(unlinkPath);
                }
                catch (IOException)
                {
                    // Already gone (the peer or a cleanup removed it): nothing to undo.
                }
            }
        }
    }
}
