using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;

namespace RdmaStack.HighAvailability.Transport;

/// <summary>
/// A client's binding: streams to each server of the service (requests out, replies in), over that server's fabric,
/// opened when the server appears and opened anew when it restarts (a new incarnation), handed to the client's thread.
/// </summary>
internal sealed class ClientBinding : MemberBinding
{
    private readonly IReadOnlyList<Fabric> _fabrics;
    private readonly ReplicaClient _client;
    private readonly long[] _serverIncarnations;

    private ClientBinding(IReadOnlyList<Fabric> fabrics, ReplicaServiceOptions service, long clientId, ReplicaClient client)
        : base(service, fabrics[0], MemberDirectory.Client(clientId))
    {
        _fabrics = fabrics;
        _client = client;
        _serverIncarnations = new long[service.Servers];
    }

    /// <summary>Binds <paramref name="client"/> to the servers of <paramref name="service"/>, server i over
    /// <paramref name="fabrics"/>[i].</summary>
    public static ClientBinding Start(IReadOnlyList<Fabric> fabrics, ReplicaServiceOptions service, long clientId, ReplicaClient client)
    {
        var binding = new ClientBinding(fabrics, service, clientId, client);
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
        for (int server = 0; server < _serverIncarnations.Length; server++)
        {
            string member = MemberDirectory.Server(server);
            if (Live.TryGetValue(member, out long incarnation) && incarnation != _serverIncarnations[server])
            {
                (PublicationStream requests, SubscriptionStream replies) = Open(_fabrics[server], member, incarnation);
                _client.ConnectServer(server, requests, replies);
                _serverIncarnations[server] = incarnation;
            }
        }
    }

    protected override bool TryTakeRetired(out object? stream) => _client.RetiredStreams.TryDequeue(out stream);
}
