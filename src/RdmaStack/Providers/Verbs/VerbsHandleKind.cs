using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>The kinds of libibverbs objects the provider owns, one SafeHandle type each.</summary>
internal enum VerbsHandleKind
{
    /// <summary>ibv_open_device / ibv_close_device.</summary>
    Context,

    /// <summary>ibv_alloc_pd / ibv_dealloc_pd.</summary>
    ProtectionDomain,

    /// <summary>ibv_reg_mr / ibv_dereg_mr.</summary>
    MemoryRegion,

    /// <summary>ibv_create_cq / ibv_destroy_cq.</summary>
    CompletionQueue,

    /// <summary>ibv_create_qp / ibv_destroy_qp.</summary>
    QueuePair,
}
