using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>
/// The double's IND2Adapter: one open of a <see cref="LoopbackDevice"/>. Its objects take no reference on it, so a
/// library that released the adapter (or closed its overlapped file) before them is caught: the double records it
/// as an error.
/// </summary>
internal sealed unsafe class LoopbackAdapter(LoopbackFabric fabric, LoopbackDevice device)
    : LoopbackComObject(fabric, LoopbackVtables.Adapter, "Adapter")
{
    private static readonly Guid[] s_interfaces = [ndspi.IID_IND2Adapter];
    private readonly List<LoopbackComObject> _children = [];

    public LoopbackDevice Device { get; } = device;

    /// <summary>The overlapped file (0 until created).</summary>
    public nint File { get; private set; }

    protected override ReadOnlySpan<Guid> Interfaces => s_interfaces;

    public int CreateOverlappedFile(nint* file)
    {
        if (Device.Removed)
        {
            return ndstatus.ND_DEVICE_REMOVED;
        }

        File = Fabric.OpenFile();
        *file = File;
        return ndstatus.ND_SUCCESS;
    }

    public int Query(ND2_ADAPTER_INFO* info, uint* size)
    {
        if (info == null || *size < sizeof(ND2_ADAPTER_INFO))
        {
            *size = (uint)sizeof(ND2_ADAPTER_INFO);
            return ndstatus.ND_BUFFER_OVERFLOW;
        }

        if (info->InfoVersion != 1)
        {
            Fabric.Error($"{Name}: Query with InfoVersion {info->InfoVersion}; the SPI wants it set to 1");
            return ndstatus.ND_INVALID_PARAMETER;
        }

        *info = Device.Info;
        *size = (uint)sizeof(ND2_ADAPTER_INFO);
        return ndstatus.ND_SUCCESS;
    }

    public int CreateCompletionQueue(Guid* iid, nint file, uint depth, void** result)
    {
        *result = null;
        int check = Check(iid, ndspi.IID_IND2CompletionQueue, file, "CreateCompletionQueue");
        if (check != ndstatus.ND_SUCCESS)
        {
            return check;
        }

        if (depth == 0 || depth > Device.Info.MaxCompletionQueueDepth)
        {
            return ndstatus.ND_INVALID_PARAMETER;
        }

        *result = Adopt(new LoopbackCompletionQueue(this, (int)depth)).Pointer;
        return ndstatus.ND_SUCCESS;
    }

    public int CreateMemoryRegion(Guid* iid, nint file, void** result)
    {
        *result = null;
        int check = Check(iid, ndspi.IID_IND2MemoryRegion, file, "CreateMemoryRegion");
        if (check != ndstatus.ND_SUCCESS)
        {
            return check;
        }

        *result = Adopt(new LoopbackMemoryRegion(this)).Pointer;
        return ndstatus.ND_SUCCESS;
    }

    public int CreateQueuePair(Guid* iid, void* receiveCq, void* initiatorCq, void* context, uint receiveDepth, uint initiatorDepth, uint receiveSge, uint initiatorSge, uint inlineSize, void** result)
    {
        *result = null;
        int check = Check(iid, ndspi.IID_IND2QueuePair, File, "CreateQueuePair");
        if (check != ndstatus.ND_SUCCESS)
        {
            return check;
        }

        ND2_ADAPTER_INFO info = Device.Info;
        if (initiatorDepth > info.MaxInitiatorQueueDepth || receiveDepth > info.MaxReceiveQueueDepth || inlineSize > info.MaxInlineDataSize
            || initiatorSge > info.MaxInitiatorSge || receiveSge > info.MaxReceiveSge)
        {
            return ndstatus.ND_INVALID_PARAMETER;
        }

        LoopbackCompletionQueue? receive = From<LoopbackCompletionQueue>(receiveCq);
        LoopbackCompletionQueue? initiator = From<LoopbackCompletionQueue>(initiatorCq);
        if (receive is null || initiator is null || receive.Adapter.Device != Device || initiator.Adapter.Device != Device)
        {
            return ndstatus.ND_INVALID_PARAMETER_2;
        }

        *result = Adopt(new LoopbackQueuePair(this, receive, initiator, context, (int)receiveDepth, (int)initiatorDepth, (int)inlineSize)).Pointer;
        return ndstatus.ND_SUCCESS;
    }

    public int CreateConnector(Guid* iid, nint file, void** result)
    {
        *result = null;
        int check = Check(iid, ndspi.IID_IND2Connector, file, "CreateConnector");
        if (check != ndstatus.ND_SUCCESS)
        {
            return check;
        }

        *result = Adopt(new LoopbackConnector(this)).Pointer;
        return ndstatus.ND_SUCCESS;
    }

    public int CreateListener(Guid* iid, nint file, void** result)
    {
        *result = null;
        int check = Check(iid, ndspi.IID_IND2Listener, file, "CreateListener");
        if (check != ndstatus.ND_SUCCESS)
        {
            return check;
        }

        *result = Adopt(new LoopbackListener(this)).Pointer;
        return ndstatus.ND_SUCCESS;
    }

    /// <summary>Under the gate: an object of this adapter is used; its adapter and file must still be there.</summary>
    public void CheckAlive(LoopbackComObject user)
    {
        if (!IsAlive)
        {
            Fabric.Error($"{user.Name} was used after its adapter {Name} was released");
        }
        else if (File != 0 && !Fabric.IsFileOpen(File))
        {
            Fabric.Error($"{user.Name} was used after its adapter's overlapped file was closed");
        }
    }

    protected override void OnReleased()
    {
        base.OnReleased();
        foreach (LoopbackComObject child in _children.Where(c => c.IsAlive))
        {
            Fabric.Error($"{Name} was released before its {child.Name}");
        }

        if (File != 0 && Fabric.IsFileOpen(File))
        {
            Fabric.Error($"{Name} was released before its overlapped file 0x{File:X} was closed");
        }
    }

    private T Adopt<T>(T child)
        where T : LoopbackComObject
    {
        using (Fabric.Gate.EnterScope())
        {
            _children.Add(child);
        }

        return child;
    }

    private int Check(Guid* iid, Guid expected, nint file, string call)
    {
        if (*iid != expected)
        {
            return winerror.E_NOINTERFACE;
        }

        if (file == 0 || file != File || !Fabric.IsFileOpen(file))
        {
            Fabric.Error($"{Name}: {call} with overlapped file 0x{file:X}, not this adapter's open one (0x{File:X})");
            return ndstatus.ND_INVALID_HANDLE;
        }

        return Device.Removed ? ndstatus.ND_DEVICE_REMOVED : ndstatus.ND_SUCCESS;
    }
}
