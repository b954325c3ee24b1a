using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>
/// The base of every object of the loopback NetworkDirect test double: a native block laid out as a COM object
/// (its first word the vtable pointer, the next a GCHandle back to this object) that the library under test reaches
/// only through the vtable, with COM reference counting and the overlapped-request bookkeeping of IND2Overlapped.
/// </summary>
/// <remarks>
/// A released object's block stays allocated until the fabric is disposed and is marked dead: a call through it is
/// recorded as a use after release (<see cref="LoopbackFabric.Errors"/>) instead of crashing the test process.
/// </remarks>
internal abstract unsafe class LoopbackComObject
{
    private readonly nint* _block;
    private readonly List<nint> _pending = [];
    private int _references = 1;

    protected LoopbackComObject(LoopbackFabric fabric, void* vtable, string kind)
    {
        Fabric = fabric;
        Kind = kind;
        Id = fabric.Register(this);
        _block = (nint*)NativeMemory.AllocZeroed((nuint)(2 * sizeof(nint)));
        _block[0] = (nint)vtable;
        _block[1] = GCHandle.ToIntPtr(GCHandle.Alloc(this));
        fabric.Log($"create {Name}");
    }

    public LoopbackFabric Fabric { get; }

    public string Kind { get; }

    public int Id { get; }

    /// <summary>"QueuePair#7".</summary>
    public string Name => $"{Kind}#{Id}";

    /// <summary>The COM pointer the library holds.</summary>
    public void* Pointer => _block;

    public bool IsAlive => Volatile.Read(ref _references) > 0;

    /// <summary>The interfaces QueryInterface answers for, besides IUnknown.</summary>
    protected abstract ReadOnlySpan<Guid> Interfaces { get; }

    /// <summary>The object behind a COM pointer, or null (recorded) when it was released.</summary>
    public static T? From<T>(void* pointer)
        where T : LoopbackComObject
    {
        var self = (T)GCHandle.FromIntPtr(((nint*)pointer)[1]).Target!;
        if (!self.IsAlive)
        {
            self.Fabric.Error($"{self.Name} was called after its last Release");
            return null;
        }

        return self;
    }

    public uint AddRef() => (uint)Interlocked.Increment(ref _references);

    public uint Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            using (Fabric.Gate.EnterScope())
            {
                OnReleased();
                Fabric.Log($"release {Name}");
            }
        }
        else if (left < 0)
        {
            Fabric.Error($"{Name} was released more often than referenced");
        }

        return (uint)Math.Max(left, 0);
    }

    public int QueryInterface(Guid* iid, void** result)
    {
        if (*iid == ndspi.IID_IUnknown || Interfaces.Contains(*iid))
        {
            AddRef();
            *result = Pointer;
            return winerror.S_OK;
        }

        *result = null;
        return winerror.E_NOINTERFACE;
    }

    /// <summary>Frees the block (when the fabric is disposed).</summary>
    public void Free()
    {
        GCHandle.FromIntPtr(_block[1]).Free();
        NativeMemory.Free(_block);
    }

    /// <summary>IND2Overlapped::GetOverlappedResult: the request's status, completing a request the fabric holds
    /// back (<see cref="LoopbackCompletionMode.Pending"/>) once it has been polled enough.</summary>
    public int GetOverlappedResult(OVERLAPPED* overlapped, bool wait)
    {
        long deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            int status = Fabric.PollDeferred(overlapped);
            if (status != ndstatus.ND_PENDING || !wait)
            {
                return status;
            }

            if (Environment.TickCount64 > deadline)
            {
                Fabric.Error($"{Name}: GetOverlappedResult(wait) on a request that never completed");
                return ndstatus.ND_PENDING;
            }

            Thread.Yield();
        }
    }

    /// <summary>IND2Overlapped::CancelOverlappedRequests: completes every request still pending with ND_CANCELED.</summary>
    public int CancelOverlappedRequests()
    {
        using (Fabric.Gate.EnterScope())
        {
            foreach (nint overlapped in _pending.ToArray())
            {
                CompleteRequest((OVERLAPPED*)overlapped, ndstatus.ND_CANCELED);
            }
        }

        return ndstatus.ND_SUCCESS;
    }

    /// <summary>Marks a request that completes later (when a peer acts): ND_PENDING for the caller. Under the gate.</summary>
    protected int Pend(OVERLAPPED* overlapped)
    {
        overlapped->Internal = unchecked((nuint)ndstatus.ND_PENDING);
        _pending.Add((nint)overlapped);
        return ndstatus.ND_PENDING;
    }

    /// <summary>Whether a request of this object is still pending (not completed, not canceled). Under the gate.</summary>
    protected bool IsPendingRequest(OVERLAPPED* overlapped) => _pending.Contains((nint)overlapped);

    /// <summary>Completes a request this object holds pending. Under the gate.</summary>
    protected void CompleteRequest(OVERLAPPED* overlapped, int status)
    {
        if (_pending.Remove((nint)overlapped))
        {
            Volatile.Write(ref overlapped->Internal, (nuint)(uint)status);
        }
    }

    /// <summary>Completes every pending request of this object with <paramref name="status"/>. Under the gate.</summary>
    protected void CompleteAll(int status)
    {
        foreach (nint overlapped in _pending.ToArray())
        {
            CompleteRequest((OVERLAPPED*)overlapped, status);
        }
    }

    /// <summary>A request the double can finish at once: <paramref name="status"/> now, or, in
    /// <see cref="LoopbackCompletionMode.Pending"/>, ND_PENDING and the status through the OVERLAPPED later.</summary>
    protected int Finish(OVERLAPPED* overlapped, int status) => Fabric.Finish(overlapped, status);

    /// <summary>Called under the gate when the last reference goes.</summary>
    protected virtual void OnReleased()
    {
        if (_pending.Count > 0)
        {
            Fabric.Error($"{Name} was released with {_pending.Count} overlapped request(s) pending");
        }
    }
}
