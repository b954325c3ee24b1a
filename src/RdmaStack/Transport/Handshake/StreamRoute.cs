namespace RdmaStack.Transport.Handshake;

/// <summary>What the dialling side asks for once both sides are authenticated: which stream, over which link, with
/// which provider, and whether it writes or reads the stream.</summary>
/// <param name="Stream">The stream's name (at most <see cref="ConnectionHandshake.MaxStreamNameLength"/> UTF-8 bytes).</param>
/// <param name="Link">The link's index in the stream's failover group.</param>
/// <param name="Provider">The provider the dialling side speaks.</param>
/// <param name="DialerRole">The dialling side's end of the stream's queue: <see cref="QueueEndpointRole.Writer"/> for a
/// publication, <see cref="QueueEndpointRole.Reader"/> for a subscription.</param>
internal sealed record StreamRoute(string Stream, int Link, ProviderKind Provider, QueueEndpointRole DialerRole);
