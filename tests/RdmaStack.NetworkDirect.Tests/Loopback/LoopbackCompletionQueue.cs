using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2CompletionQueue: a bounded queue of results (an overrun is recorded as an error, as a
/// real one would be fatal); handing out a Write result retires that write and the silent ones posted before it.</summary>
internal sealed unsafe class LoopbackCompletionQueue(LoopbackAdapter adapter, int depth)
    : LoopbackComObject(adapter.Fabric, LoopbackVtables.CompletionQueue, "CompletionQueue")
{
    private static readonly Guid[] s_interfaces = [ndspi.IID_IND2CompletionQueue, ndspi.IID_IND2Overlapped];
    private readonly Queue<(ND2_RESULT Result, LoopbackQueuePair QueuePair, ulong PostIndex)> _results = new(depth);

    public LoopbackAdapter Adapter { get; } = adapter;

    public int Depth { get; } = depth;

    /// <summary>The most results it held at once.</summary>
    public int HighWater { get; private set; }

    protected override ReadOnlySpan<Guid> Interfaces => s_interfaces;

    /// <summary>Under the gate.</summary>
    public void Add(in ND2_RESULT result, LoopbackQueuePair queuePair, ulong postIndex)
    {
        if (_results.Count >= Depth)
        {
            Fabric.Error($"{Name} overran its depth of {Depth} (a result of {queuePair.Name} was lost)");
            return;
        }

        _results.Enqueue((result, queuePair, postIndex));
        HighWater = Math.Max(HighWater, _results.Count);
    }

    public uint GetResults(ND2_RESULT* results, uint count)
    {
        using (Fabric.Gate.EnterScope())
        {
            Adapter.CheckAlive(this);
            uint n = 0;
            while (n < count && _results.TryDequeue(out (ND2_RESULT Result, LoopbackQueuePair QueuePair, ulong PostIndex) next))
            {
                results[n++] = next.Result;
                next.QueuePair.Retire(next.PostIndex);
            }

            return n;
        }
    }

    protected override void OnReleased()
    {
        base.OnReleased();
        foreach (LoopbackQueuePair user in Adapter.Fabric.QueuePairsUsing(this))
        {
            Fabric.Error($"{Name} was released before {user.Name}, which delivers results to it");
        }
    }
}
