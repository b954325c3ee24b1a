using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.HighAvailability.Transport;

/// <summary>
/// A server's binding to its fabric: streams to the other server (replication, both ways) and to every client of the
/// service (requests in, replies out), each pair named after both incarnations and handed to the replica's hot thread.
/// A client whose process is gone loses its connection; a restarted one (a new incarnation) gets a new one; a
/// restarted other server gets new replication streams (<see cref="ReplicaNode"/> then treats the old one as dead).
/// </summary>
internal sealed class ServerBinding : MemberBinding
{
    private readonly Fabric _fabric;
    private readonly ReplicaNode _node;
    private readonly int _server;
    private readonly Dictionary<long, (long Incarnation, ClientConnection Connection)> _clients = [];
    private readonly List<long> _gone = [];
    private long _peerIncarnation;

    private ServerBinding(Fabric fabric, ReplicaServiceOptions service, int server, ReplicaNode node)
        : base(service, fabric, MemberDirectory.Server(server))
    {
        _fabric = fabric;
        _server = server;
        _node = node;
    }

    /// <summary>Binds <paramref name="node"/> as server <paramref name="server"/> of <paramref name="service"/>.</summary>
    public static ServerBinding Start(Fabric fabric, ReplicaServiceOptions service, int server, ReplicaNode node)
    {
        var binding = new ServerBinding(fabric, service, server, node);
        try
        {
            binding.Start();
        }
        catch
        {
            binding.Dispose();
            throw;
        }

        return binding;
    }

    protected override void Reconcile()
    {
        if (Service.Servers == 2)
        {
            string other = MemberDirectory.Server(1 - _server);
            if (Live.TryGetValue(other, out long incarnation) && incarnation != _peerIncarnation)
            {
                (PublicationStream output, SubscriptionStream input) = Open(_fabric, other, incarnation);
                _node.ConnectPeer(output, input);
                _peerIncarnation = incarnation;
            }
        }

        foreach ((string member, long incarnation) in Live)
        {
            if (!MemberDirectory.TryParseClient(member, out long clientId)
                || (_clients.TryGetValue(clientId, out var known) && known.Incarnation == incarnation))
            {
                continue;
            }

            if (known.Connection is not null)
            {
                known.Connection.Retired = true; // the client restarted: its old streams go
            }

            (PublicationStream replies, SubscriptionStream requests) = Open(_fabric, member, incarnation);
            _clients[clientId] = (incarnation, _node.AddClient(requests, replies));
        }

        _gone.Clear();
        foreach ((long clientId, var known) in _clients)
        {
            if (!Live.ContainsKey(MemberDirectory.Client(clientId)))
            {
                known.Connection.Retired = true;
                _gone.Add(clientId);
            }
        }

        foreach (long clientId in _gone)
        {
            _clients.Remove(clientId);
            string member = MemberDirectory.Client(clientId);
            BindingLog.Dropped(Logger, Service.Name, Self, member);
        }
    }

    protected override bool TryTakeRetired(out object? stream) => _node.RetiredStreams.TryDequeue(out stream);
}
