using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Tests;

/// <summary>
/// The hand-written inline verbs and macros (ibverbs.Manual.cs) call the function pointer the C inline bodies call.
/// Fake objects are laid out in native memory with gcc's offsets (the layout probe), not the C# ones: every word
/// holds a decoy, and only the slot the C body reads holds the function that answers, so reading any other slot
/// fails the test instead of passing by accident.
/// </summary>
public sealed unsafe class InlineVerbsTests : IDisposable
{
    private const int Answer = 4242;

    private static int s_calls;
    private static int s_wrongCalls;
    private static nint s_arg0;
    private static nint s_arg1;
    private static nint s_arg2;
    private static nint s_arg3;

    private readonly List<nint> _allocations = [];

    private static nint RightPointer => (nint)(delegate* unmanaged[Cdecl]<nint, nint, nint, nint, int>)&Right;

    private static nint WrongPointer => (nint)(delegate* unmanaged[Cdecl]<nint, nint, nint, nint, int>)&Wrong;

    public void Dispose()
    {
        foreach (nint p in _allocations)
        {
            NativeMemory.Free((void*)p);
        }
    }

    [Fact]
    public void Poll_cq_calls_cq_context_ops_poll_cq()
    {
        byte* cq = FakeObject("ibv_cq", "poll_cq");
        Reset();
        int rc = ibverbs.ibv_poll_cq((ibv_cq*)cq, 16, (ibv_wc*)0x5000);
        AssertCalled(rc, (nint)cq);
        Assert.Equal(16, (int)s_arg1); // int: only the low half of the register is defined
        Assert.Equal(0x5000, s_arg2);
    }

    [Fact]
    public void Req_notify_cq_calls_cq_context_ops_req_notify_cq()
    {
        byte* cq = FakeObject("ibv_cq", "req_notify_cq");
        Reset();
        int rc = ibverbs.ibv_req_notify_cq((ibv_cq*)cq, 1);
        AssertCalled(rc, (nint)cq);
        Assert.Equal(1, (int)s_arg1);
    }

    [Fact]
    public void Post_send_calls_qp_context_ops_post_send()
    {
        byte* qp = FakeObject("ibv_qp", "post_send");
        Reset();
        int rc = ibverbs.ibv_post_send((ibv_qp*)qp, (ibv_send_wr*)0x6000, (ibv_send_wr**)0x7000);
        AssertCalled(rc, (nint)qp);
        Assert.Equal(0x6000, s_arg1);
        Assert.Equal(0x7000, s_arg2);
    }

    [Fact]
    public void Post_recv_calls_qp_context_ops_post_recv()
    {
        byte* qp = FakeObject("ibv_qp", "post_recv");
        Reset();
        int rc = ibverbs.ibv_post_recv((ibv_qp*)qp, (ibv_recv_wr*)0x6000, (ibv_recv_wr**)0x7000);
        AssertCalled(rc, (nint)qp);
        Assert.Equal(0x6000, s_arg1);
        Assert.Equal(0x7000, s_arg2);
    }

    [Fact]
    public void Query_port_calls_the_extended_op_of_the_verbs_context()
    {
        var probe = LayoutProbe.Instance;
        byte* context = FakeVerbsContext(out _);
        ibv_port_attr attributes;
        Reset();
        int rc = ibverbs.ibv_query_port((ibv_context*)context, 3, &attributes);
        Assert.Equal(0, s_wrongCalls);
        Assert.Equal(1, s_calls);
        Assert.Equal(Answer, rc);
        Assert.Equal((nint)context, s_arg0);
        Assert.Equal(3, (byte)s_arg1); // uint8_t: only the low byte of the register is defined
        Assert.Equal((nint)(&attributes), s_arg2);
        Assert.Equal(probe.Size("ibv_port_attr"), s_arg3); // sizeof(*port_attr), as the C macro passes
    }

    [Fact]
    public void Verbs_get_ctx_finds_the_enclosing_verbs_context_only_when_extended()
    {
        var probe = LayoutProbe.Instance;
        byte* context = FakeVerbsContext(out byte* verbsContext);
        Assert.Equal((nint)verbsContext, (nint)ibverbs.verbs_get_ctx((ibv_context*)context));
        *(nint*)(context + probe.Offset("ibv_context", "abi_compat")) = 0;
        Assert.True(ibverbs.verbs_get_ctx((ibv_context*)context) == null);
    }

    private static void Reset()
    {
        s_calls = 0;
        s_wrongCalls = 0;
        s_arg0 = s_arg1 = s_arg2 = s_arg3 = 0;
    }

    private static void AssertCalled(int rc, nint arg0)
    {
        Assert.Equal(0, s_wrongCalls);
        Assert.Equal(1, s_calls);
        Assert.Equal(Answer, rc);
        Assert.Equal(arg0, s_arg0);
    }

    /// <summary>An ibv_cq or ibv_qp whose context field points at a context whose ops.op slot is the answering function.</summary>
    private byte* FakeObject(string objectType, string op)
    {
        var probe = LayoutProbe.Instance;
        long contextSize = probe.Size("ibv_context");
        byte* decoy = Alloc(contextSize, WrongPointer);
        byte* context = Alloc(contextSize, WrongPointer);
        long slot = probe.Offset("ibv_context", "ops") + probe.Offset("ibv_context_ops", op);
        *(nint*)(context + slot) = RightPointer;
        byte* obj = Alloc(probe.Size(objectType), (nint)decoy);
        *(nint*)(obj + probe.Offset(objectType, "context")) = (nint)context;
        return obj;
    }

    /// <summary>A verbs_context (extended provider) whose query_port op answers; returns its inner ibv_context.</summary>
    private byte* FakeVerbsContext(out byte* verbsContext)
    {
        var probe = LayoutProbe.Instance;
        long size = probe.Size("verbs_context");
        verbsContext = Alloc(size, WrongPointer);
        byte* context = verbsContext + probe.Offset("verbs_context", "context");
        *(nint*)(context + probe.Offset("ibv_context", "abi_compat")) = -1; // __VERBS_ABI_IS_EXTENDED
        *(nuint*)(verbsContext + probe.Offset("verbs_context", "sz")) = (nuint)size;
        *(nint*)(verbsContext + probe.Offset("verbs_context", "query_port")) = RightPointer;
        return context;
    }

    private byte* Alloc(long size, nint fill)
    {
        long rounded = (size + 7) & ~7L;
        byte* p = (byte*)NativeMemory.AllocZeroed((nuint)rounded);
        _allocations.Add((nint)p);
        for (long i = 0; i < rounded; i += 8)
        {
            *(nint*)(p + i) = fill;
        }
        return p;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Right(nint arg0, nint arg1, nint arg2, nint arg3)
    {
        s_calls++;
        s_arg0 = arg0;
        s_arg1 = arg1;
        s_arg2 = arg2;
        s_arg3 = arg3;
        return Answer;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Wrong(nint arg0, nint arg1, nint arg2, nint arg3)
    {
        s_wrongCalls++;
        return -1;
    }
}
