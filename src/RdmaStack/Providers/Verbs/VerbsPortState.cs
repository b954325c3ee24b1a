using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>The logical state of an RDMA port (ibv_port_state).</summary>
public enum VerbsPortState
{
    /// <summary>No state change (IBV_PORT_NOP).</summary>
    Nop = 0,

    /// <summary>The link is down (IBV_PORT_DOWN).</summary>
    Down = 1,

    /// <summary>The link is up, the subnet manager has not configured it yet (IBV_PORT_INIT).</summary>
    Init = 2,

    /// <summary>Configured; only management traffic may pass (IBV_PORT_ARMED).</summary>
    Armed = 3,

    /// <summary>Up and passing traffic (IBV_PORT_ACTIVE).</summary>
    Active = 4,

    /// <summary>Up but deferring to the subnet manager (IBV_PORT_ACTIVE_DEFER).</summary>
    ActiveDefer = 5,
}
