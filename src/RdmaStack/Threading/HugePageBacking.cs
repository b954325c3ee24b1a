namespace RdmaStack.Threading;

/// <summary>What backs a block from <see cref="HugePageMemory.Allocate"/>.</summary>
internal enum HugePageBacking
{
    /// <summary>Ordinary pages (no huge pages were available).</summary>
    None,

    /// <summary>Pages from the reserved hugetlb pool (MAP_HUGETLB): huge for certain.</summary>
    Reserved,

    /// <summary>Transparent huge pages advised (MADV_HUGEPAGE): huge when the kernel finds contiguous memory.</summary>
    Transparent,
}
