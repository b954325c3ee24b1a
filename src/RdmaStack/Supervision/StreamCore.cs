using System.Globalization;
using System.Net;
using RdmaStack.Transport;
using RdmaStack.Transport.Connection;
using RdmaStack.Transport.Handshake;

namespace RdmaStack.Supervision;

/// <summary>
/// What a publication and a subscription share: the stream's links, how each gets connected (dialled by a
/// <see cref="LinkDialer"/>, or accepted through the fabric's <see cref="LinkListener"/> of that link, with an endpoint
/// file for two processes of one host), and the one counter the background bumps when it has something for the hot
/// thread.
/// </summary>
internal sealed class StreamCore : IDisposable
{
    private readonly List<LinkDialer> _dialers = [];
    private readonly List<string> _endpointFiles = [];
    private readonly List<LinkListener> _listeners = [];
    private readonly CancellationTokenSource _closing = new();
    private int _signals;
    private int _seenSignals;

    public StreamCore(Fabric fabric, string stream, QueueEndpointRole role)
    {
        Fabric = fabric;
        Stream = stream;
        Role = role;
        Side = role == QueueEndpointRole.Writer ? "publication" : "subscription";
        IReadOnlyList<LinkOptions> links = fabric.Options.Links;
        Links = new StreamLink[links.Count];
        for (int i = 0; i < links.Count; i++)
        {
            bool dials = links[i].Peer is not null || (links[i].Listen is null && role == QueueEndpointRole.Writer);
            Links[i] = new StreamLink(this, i, links[i], dials);
        }
    }

    /// <summary>The fabric.</summary>
    public Fabric Fabric { get; }

    /// <summary>The stream's name.</summary>
    public string Stream { get; }

    /// <summary>Writer (publication) or reader (subscription).</summary>
    public QueueEndpointRole Role { get; }

    /// <summary>"publication" or "subscription".</summary>
    public string Side { get; }

    /// <summary>The links.</summary>
    public StreamLink[] Links { get; }

    /// <summary>Closing: background work stops.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Starts connecting: dialers for the links this side dials, acceptors (and endpoint files) for the others.</summary>
    public void Start()
    {
        foreach (StreamLink link in Links)
        {
            if (link.Dials)
            {
                _dialers.Add(new LinkDialer(this, link));
                continue;
            }

            LinkListener listener = Fabric.ListenerFor(link.Index);
            listener.Register(Stream, Role, link);
            _listeners.Add(listener);
            if (link.Options.Listen is null)
            {
                string file = EndpointFile.PathFor(Fabric.Options.RendezvousDirectory, Stream, link.Index, AcceptorTag(Role));
                EndpointFile.Publish(file, listener.LocalEndpoint, Fabric.Options.Secret is null ? listener.Secret : null);
                _endpointFiles.Add(file);
            }
        }
    }

    /// <summary>Background: one more thing for the hot thread.</summary>
    public void Signal() => Interlocked.Increment(ref _signals);

    /// <summary>Hot thread: whether anything was signalled since it last looked.</summary>
    public bool TakeSignals()
    {
        int signals = Volatile.Read(ref _signals);
        if (signals == _seenSignals)
        {
            return false;
        }

        _seenSignals = signals;
        return true;
    }

    /// <summary>Background: builds this side's end of <paramref name="link"/> over an authenticated, routed handshake and
    /// hands it to the hot thread.</summary>
    /// <returns>The connection's generation (0 if the stream closed meanwhile).</returns>
    public int Connect(StreamLink link, ConnectionHandshake handshake, bool dials, CancellationToken cancellation)
    {
        FabricOptions options = Fabric.Options;
        int index = link.Index;
        Func<int, IRemoteWriteChannel, IRemoteWriteChannel>? decorate = options.DecorateChannel;
        var setup = new LinkSetup(Stream, index, link.Options, options.Geometry, Role, dials, Environment.TickCount64 + (long)options.ConnectTimeout.TotalMilliseconds)
        {
            DecorateChannel = decorate is null ? null : channel => decorate(index, channel),
        };
        ILinkConnection connection = Fabric.Provider.Connect(setup, handshake, cancellation);
        return link.Post(connection);
    }

    /// <summary>Where the dialling side of <paramref name="link"/> dials, and with which secret: the link's peer, or the
    /// endpoint file the accepting side published.</summary>
    public (EndPoint Peer, HandshakeSecret Secret) ResolvePeer(StreamLink link, long deadline, CancellationToken cancellation)
    {
        if (link.Options.Peer is { } peer)
        {
            return (peer, Fabric.Options.Secret!);
        }

        QueueEndpointRole acceptor = Role == QueueEndpointRole.Writer ? QueueEndpointRole.Reader : QueueEndpointRole.Writer;
        string file = EndpointFile.PathFor(Fabric.Options.RendezvousDirectory, Stream, link.Index, AcceptorTag(acceptor));
        IPEndPoint endpoint = EndpointFile.Wait(file, deadline, cancellation, out HandshakeSecret? fileSecret);
        HandshakeSecret secret = fileSecret ?? Fabric.Options.Secret
            ?? throw new TransportException($"{file} carries no secret and this fabric has none configured: give both sides the same FabricOptions.Secret.");
        return (endpoint, secret);
    }

    /// <summary>Stops the dialers, unregisters from the listeners, withdraws the endpoint files, and disposes every
    /// connection of the stream's links.</summary>
    public void Dispose()
    {
        _closing.Cancel();
        foreach (string file in _endpointFiles)
        {
            EndpointFile.Withdraw(file);
        }

        foreach (LinkListener listener in _listeners)
        {
            listener.Unregister(Stream, Role);
        }

        foreach (StreamLink link in Links)
        {
            link.Dispose();
        }

        foreach (LinkDialer dialer in _dialers)
        {
            dialer.Dispose();
        }

        foreach (StreamLink link in Links)
        {
            link.DisposeCurrent();
        }

        _closing.Dispose();
    }

    /// <summary>"sub" or "pub": which end accepts, in endpoint file names.</summary>
    private static string AcceptorTag(QueueEndpointRole role) => role == QueueEndpointRole.Reader ? "sub" : "pub";

    /// <summary>"publication 'orders' link 1".</summary>
    public string Describe(int link) => string.Create(CultureInfo.InvariantCulture, $"{Side} '{Stream}' link {link}");
}
