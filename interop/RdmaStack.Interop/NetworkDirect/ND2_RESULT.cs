namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>ND2_RESULT</c> (nddef.h): one completion from IND2CompletionQueue::GetResults (32 bytes on x64).</summary>
public unsafe struct ND2_RESULT
{
    /// <summary>The request's ND status (ND_SUCCESS, or why it failed).</summary>
    public int Status;

    /// <summary>Bytes received (Receive results only).</summary>
    public uint BytesTransferred;

    /// <summary>The context given to IND2Adapter::CreateQueuePair.</summary>
    public void* QueuePairContext;

    /// <summary>The context given with the request.</summary>
    public void* RequestContext;

    /// <summary>What the request was.</summary>
    public ND2_REQUEST_TYPE RequestType;
}
