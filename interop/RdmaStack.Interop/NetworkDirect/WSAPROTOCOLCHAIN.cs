namespace RdmaStack.Interop.NetworkDirect;

/// <summary>Winsock's <c>WSAPROTOCOLCHAIN</c> (winsock2.h, 32 bytes): a layered protocol's chain of catalog entries.</summary>
public unsafe struct WSAPROTOCOLCHAIN
{
    /// <summary>0: a layered protocol; 1: a base protocol; more: a chain.</summary>
    public int ChainLen;

    /// <summary>The catalog entry ids (MAX_PROTOCOL_CHAIN = 7).</summary>
    public fixed uint ChainEntries[7];
}
