using RdmaStack.Transport;

namespace RdmaStack.Threading;

/// <summary>A block from <see cref="HugePageMemory.Allocate"/> and how it is backed.</summary>
/// <param name="Region">The memory; dispose it to unmap.</param>
/// <param name="Backing">Which kind of pages back it.</param>
/// <param name="Message">One line for the report: the backing and, if not huge, why not.</param>
internal sealed record HugePageAllocation(MemoryRegion Region, HugePageBacking Backing, string Message);
