using System.Net;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>What the peer needs to know of one local queue end, sent on the authenticated side channel: the end's
/// role and queue index, its exposed region (address, remote token, length) and, on the accepting side, the
/// address and port of its IND2Listener.</summary>
/// <param name="Role">This end's role; the peer's end of the queue has the other.</param>
/// <param name="Index">The queue's index in the connection.</param>
/// <param name="RegionAddress">The exposed region's address (the ring of a reader, the control block of a writer).</param>
/// <param name="RegionToken">Its remote token.</param>
/// <param name="RegionLength">Its length in bytes.</param>
/// <param name="Listener">The listener the dialling peer connects to; null on the dialling side.</param>
internal sealed record NetworkDirectQueueOffer(QueueEndpointRole Role, int Index, ulong RegionAddress, uint RegionToken, long RegionLength, IPEndPoint? Listener);
