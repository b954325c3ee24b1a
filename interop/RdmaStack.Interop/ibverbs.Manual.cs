namespace RdmaStack.Interop;

/// <summary>
/// What verbs.h does in static inline functions and macros, which no library exports: the data-path calls go through
/// the provider's function pointers in <c>context-&gt;ops</c>, exactly as the C inline bodies do, and the
/// <c>ibv_reg_mr</c> / <c>ibv_query_port</c> macros pick the exported symbol or the extended op as the C does.
/// </summary>
public static unsafe partial class ibverbs
{
    /// <summary>verbs.h's <c>__VERBS_ABI_IS_EXTENDED</c>: <c>ibv_context.abi_compat</c> of a context that lives inside a <c>verbs_context</c>.</summary>
    public static readonly void* __VERBS_ABI_IS_EXTENDED = (void*)nuint.MaxValue;

    // offsetof(struct verbs_context, context) and offsetof(struct verbs_context, query_port), from the C# layout
    // (which the layout test checks against gcc's).
    private static readonly nint s_contextInVerbsContext = OffsetOfContext();
    private static readonly nint s_queryPortInVerbsContext = OffsetOfQueryPort();

    /// <summary><c>ibv_post_send</c> (static inline in verbs.h): <c>qp-&gt;context-&gt;ops.post_send(qp, wr, bad_wr)</c>.</summary>
    /// <param name="qp">The queue pair.</param>
    /// <param name="wr">The first work request of the list.</param>
    /// <param name="bad_wr">Set to the first request that failed, when the call fails.</param>
    /// <returns>0, or an errno value.</returns>
    public static int ibv_post_send(ibv_qp* qp, ibv_send_wr* wr, ibv_send_wr** bad_wr) =>
        qp->context->ops.post_send(qp, wr, bad_wr);

    /// <summary><c>ibv_post_recv</c> (static inline in verbs.h): <c>qp-&gt;context-&gt;ops.post_recv(qp, wr, bad_wr)</c>.</summary>
    /// <param name="qp">The queue pair.</param>
    /// <param name="wr">The first work request of the list.</param>
    /// <param name="bad_wr">Set to the first request that failed, when the call fails.</param>
    /// <returns>0, or an errno value.</returns>
    public static int ibv_post_recv(ibv_qp* qp, ibv_recv_wr* wr, ibv_recv_wr** bad_wr) =>
        qp->context->ops.post_recv(qp, wr, bad_wr);

    /// <summary><c>ibv_poll_cq</c> (static inline in verbs.h): <c>cq-&gt;context-&gt;ops.poll_cq(cq, num_entries, wc)</c>.</summary>
    /// <param name="cq">The completion queue.</param>
    /// <param name="num_entries">How many completions <paramref name="wc"/> has room for.</param>
    /// <param name="wc">Where the completions are written.</param>
    /// <returns>The number of completions written, or a negative value on error.</returns>
    public static int ibv_poll_cq(ibv_cq* cq, int num_entries, ibv_wc* wc) =>
        cq->context->ops.poll_cq(cq, num_entries, wc);

    /// <summary><c>ibv_req_notify_cq</c> (static inline in verbs.h): <c>cq-&gt;context-&gt;ops.req_notify_cq(cq, solicited_only)</c>.</summary>
    /// <param name="cq">The completion queue.</param>
    /// <param name="solicited_only">Non-zero to be notified of solicited completions only.</param>
    /// <returns>0, or an errno value.</returns>
    public static int ibv_req_notify_cq(ibv_cq* cq, int solicited_only) =>
        cq->context->ops.req_notify_cq(cq, solicited_only);

    /// <summary>
    /// <c>verbs_get_ctx</c> (static inline in verbs.h): the <c>verbs_context</c> around an extended context, or null
    /// when <c>abi_compat</c> says the provider is not extended.
    /// </summary>
    /// <param name="ctx">The device context.</param>
    /// <returns>The enclosing verbs_context, or null.</returns>
    public static verbs_context* verbs_get_ctx(ibv_context* ctx)
    {
        if (ctx->abi_compat != __VERBS_ABI_IS_EXTENDED)
        {
            return null;
        }
        return (verbs_context*)((byte*)ctx - s_contextInVerbsContext);
    }

    /// <summary>
    /// The <c>ibv_query_port</c> macro (<c>___ibv_query_port</c>): the provider's extended <c>query_port</c> op when
    /// <c>verbs_get_ctx_op(context, query_port)</c> finds one, else the exported compat symbol over a zeroed
    /// <paramref name="port_attr"/>.
    /// </summary>
    /// <param name="context">The device context.</param>
    /// <param name="port_num">The port, from 1.</param>
    /// <param name="port_attr">Receives the port attributes.</param>
    /// <returns>0, or an errno value.</returns>
    public static int ibv_query_port(ibv_context* context, byte port_num, ibv_port_attr* port_attr)
    {
        verbs_context* vctx = verbs_get_ctx(context);
        // verbs_get_ctx_op: the op exists only if the provider's verbs_context is large enough to hold it.
        if (vctx == null || vctx->sz < (nuint)(sizeof(verbs_context) - s_queryPortInVerbsContext) || vctx->query_port == null)
        {
            *port_attr = default;
            return ibv_query_port_export(context, port_num, (_compat_ibv_port_attr*)port_attr);
        }
        return vctx->query_port(context, port_num, port_attr, (nuint)sizeof(ibv_port_attr));
    }

    /// <summary>
    /// The <c>ibv_reg_mr</c> macro (<c>__ibv_reg_mr</c>): the exported <c>ibv_reg_mr</c> (its default version,
    /// IBVERBS_1.1, the one a C program links) unless <paramref name="access"/> asks for an optional-range flag, then
    /// <c>ibv_reg_mr_iova2</c> with iova = addr. The C macro decides at compile time when access is a constant; the
    /// value is known here at run time, which picks the same function.
    /// </summary>
    /// <param name="pd">The protection domain.</param>
    /// <param name="addr">Start of the memory to register.</param>
    /// <param name="length">Its length in bytes.</param>
    /// <param name="access">ibv_access_flags.</param>
    /// <returns>The memory region, or null with errno set.</returns>
    public static ibv_mr* ibv_reg_mr(ibv_pd* pd, void* addr, nuint length, int access) =>
        (access & IBV_ACCESS_OPTIONAL_RANGE) == 0
            ? ibv_reg_mr_export(pd, addr, length, access)
            : ibv_reg_mr_iova2(pd, addr, length, (ulong)addr, (uint)access);

    /// <summary>
    /// The <c>ibv_reg_mr_iova</c> macro (<c>__ibv_reg_mr_iova</c>): the exported <c>ibv_reg_mr_iova</c> unless
    /// <paramref name="access"/> asks for an optional-range flag, then <c>ibv_reg_mr_iova2</c>.
    /// </summary>
    /// <param name="pd">The protection domain.</param>
    /// <param name="addr">Start of the memory to register.</param>
    /// <param name="length">Its length in bytes.</param>
    /// <param name="iova">The address the remote side uses for <paramref name="addr"/>.</param>
    /// <param name="access">ibv_access_flags.</param>
    /// <returns>The memory region, or null with errno set.</returns>
    public static ibv_mr* ibv_reg_mr_iova(ibv_pd* pd, void* addr, nuint length, ulong iova, int access) =>
        (access & IBV_ACCESS_OPTIONAL_RANGE) == 0
            ? ibv_reg_mr_iova_export(pd, addr, length, iova, access)
            : ibv_reg_mr_iova2(pd, addr, length, iova, (uint)access);

    private static nint OffsetOfContext()
    {
        verbs_context v = default;
        return (nint)((byte*)&v.context - (byte*)&v);
    }

    private static nint OffsetOfQueryPort()
    {
        verbs_context v = default;
        return (nint)((byte*)&v.query_port - (byte*)&v);
    }
}
