namespace RdmaStack.Providers.NetworkDirect;

/// <summary>The kinds of NetworkDirect objects the provider owns, one SafeHandle each.</summary>
internal enum NetworkDirectHandleKind
{
    /// <summary>IND2Provider, from the provider library's DllGetClassObject.</summary>
    Provider,

    /// <summary>IND2Adapter, from IND2Provider::OpenAdapter.</summary>
    Adapter,

    /// <summary>The adapter's overlapped file (IND2Adapter::CreateOverlappedFile, closed with CloseHandle).</summary>
    OverlappedFile,

    /// <summary>IND2CompletionQueue.</summary>
    CompletionQueue,

    /// <summary>IND2MemoryRegion (registered: deregistered before its release).</summary>
    MemoryRegion,

    /// <summary>IND2QueuePair.</summary>
    QueuePair,

    /// <summary>IND2Connector.</summary>
    Connector,

    /// <summary>IND2Listener.</summary>
    Listener,
}
