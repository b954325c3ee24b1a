using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2MemoryRegion: registration gives a local and a remote token; a Write is checked against
/// the registered range and, on the target side, against ND_MR_FLAG_ALLOW_REMOTE_WRITE.</summary>
internal sealed unsafe class LoopbackMemoryRegion(LoopbackAdapter adapter)
    : LoopbackComObject(adapter.Fabric, LoopbackVtables.MemoryRegion, "MemoryRegion")
{
    private static readonly Guid[] s_interfaces = [ndspi.IID_IND2MemoryRegion, ndspi.IID_IND2Overlapped];

    public LoopbackAdapter Adapter { get; } = adapter;

    public LoopbackDevice Device => Adapter.Device;

    public nint Buffer { get; private set; }

    public long Length { get; private set; }

    public uint Flags { get; private set; }

    public uint LocalToken { get; private set; }

    public uint RemoteToken { get; private set; }

    public bool IsRegistered { get; private set; }

    public bool AllowsRemoteWrite => (Flags & 0x4) != 0;

    protected override ReadOnlySpan<Guid> Interfaces => s_interfaces;

    public bool Contains(nint address, long length) => address >= Buffer && length >= 0 && address - Buffer <= Length - length;

    public int Register(void* buffer, nuint length, uint flags, OVERLAPPED* overlapped)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            if (Fabric.FailNextRegistration is int failure)
            {
                Fabric.FailNextRegistration = null;
                return Finish(overlapped, failure);
            }

            if (Device.Removed)
            {
                return ndstatus.ND_DEVICE_REMOVED;
            }

            if (IsRegistered || buffer == null || length == 0 || length > (nuint)Device.Info.MaxRegistrationSize)
            {
                return IsRegistered ? ndstatus.ND_INVALID_DEVICE_STATE : ndstatus.ND_INVALID_PARAMETER;
            }

            Buffer = (nint)buffer;
            Length = (long)length;
            Flags = flags;
            LocalToken = Fabric.NextToken();
            RemoteToken = Fabric.NextToken();
            IsRegistered = true;
            Fabric.AddRegion(this);
            Fabric.Log($"register {Name} ({Length} B, flags 0x{flags:X})");
            return Finish(overlapped, ndstatus.ND_SUCCESS);
        }
    }

    public int Deregister(OVERLAPPED* overlapped)
    {
        using (Fabric.Gate.EnterScope())
        {
            if (!IsRegistered)
            {
                return ndstatus.ND_INVALID_DEVICE_STATE;
            }

            IsRegistered = false;
            Fabric.RemoveRegion(this);
            Fabric.Log($"deregister {Name}");

            // Clean-up works on a removed device too.
            return Finish(overlapped, ndstatus.ND_SUCCESS);
        }
    }

    protected override void OnReleased()
    {
        base.OnReleased();
        if (IsRegistered)
        {
            Fabric.Error($"{Name} was released while still registered");
            Fabric.RemoveRegion(this);
        }
    }
}
