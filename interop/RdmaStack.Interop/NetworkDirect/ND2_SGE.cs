namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>ND2_SGE</c> (nddef.h): one scatter/gather entry (16 bytes on x64).</summary>
public unsafe struct ND2_SGE
{
    /// <summary>The buffer, inside the region the token names (any memory for an inline request).</summary>
    public void* Buffer;

    /// <summary>Its length in bytes.</summary>
    public uint BufferLength;

    /// <summary>The region's local token (IND2MemoryRegion::GetLocalToken).</summary>
    public uint MemoryRegionToken;
}
