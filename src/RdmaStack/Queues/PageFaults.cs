namespace RdmaStack.Queues;

/// <summary>
/// Takes the page faults of a region at set-up rather than on the hot path: the first touch of each 4 KiB
/// page of a fresh mapping costs a fault of microseconds (the kernel zeroes or maps the page), which a ring
/// would otherwise pay once per page inside the timed loop.
/// </summary>
internal static unsafe class PageFaults
{
    /// <summary>Touches every page of <paramref name="length"/> bytes at <paramref name="start"/> with a write
    /// that changes nothing: an atomic add of zero to its first 8-byte word, safe while a peer writes the same
    /// memory (the add is one atomic read-modify-write, so no store of the peer's is lost).</summary>
    /// <param name="start">The region's first byte (8-byte aligned).</param>
    /// <param name="length">Bytes of the region.</param>
    public static void Prefault(byte* start, long length)
    {
        int page = Environment.SystemPageSize;
        for (long offset = 0; offset + sizeof(long) <= length; offset += page)
        {
            Interlocked.Add(ref *(long*)(start + offset), 0);
        }
    }
}
