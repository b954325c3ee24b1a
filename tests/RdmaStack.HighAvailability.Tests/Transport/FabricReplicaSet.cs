using System.Security.Cryptography;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Tests.Replication;
using RdmaStack.Samples.OrderMatching;
using RdmaStack.Threading;

namespace RdmaStack.HighAvailability.Tests.Transport;

/// <summary>
/// A service of two replicas and its clients over the transport's shared-memory publications and subscriptions, in
/// this process: each replica and each client with a fabric of its own, found through the membership folder (a
/// temporary one). Clients are driven by the test's thread.
/// </summary>
internal sealed class FabricReplicaSet : IDisposable
{
    public const int MaxMessage = 512;

    private readonly List<Fabric> _clientFabrics = [];

    public FabricReplicaSet(int servers = 2)
    {
        Folder = Directory.CreateTempSubdirectory("rdmastack-ha-fabric-").FullName;
        Service = new ReplicaServiceOptions
        {
            Name = "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            Servers = servers,
            Directory = Folder,
            DirectoryPollInterval = TimeSpan.FromMilliseconds(5),
        };
    }

    /// <summary>Generous link timeouts: the host's 2 cores are shared with other builds.</summary>
    public static FabricOptions FabricOptions { get; } = new()
    {
        Geometry = new(4, 64, MaxMessage),
        HeartbeatTimeout = TimeSpan.FromMilliseconds(500),
        LostWriteTimeout = TimeSpan.FromMilliseconds(200),
    };

    public string Folder { get; }

    public ReplicaServiceOptions Service { get; }

    public ReferencePriceService Prices { get; } = new();

    public FabricReplica?[] Servers { get; } = new FabricReplica?[2];

    public FabricReplica Start(int server, ReplicaRole role) => Servers[server] = new FabricReplica(Service, server, Options(role), Prices);

    public List<ReplicaClient> Clients { get; } = [];

    public List<OrderFlow> Flows { get; } = [];

    public static ReplicaOptions Options(ReplicaRole role) => new()
    {
        InitialRole = role,
        MaxMessageLength = MaxMessage,
        SessionWindow = 1024,
        MaxCallResponseLength = 64,
        HeartbeatInterval = TimeSpan.FromMilliseconds(2),
        PromotionTimeout = TimeSpan.FromMilliseconds(500),
        BackupTimeout = TimeSpan.FromMilliseconds(500),
        JoinRetryInterval = TimeSpan.FromMilliseconds(200),
        CheckpointInterval = 16,
    };

    /// <summary>A client with the given id (a new one unless given), on a fabric of its own, with a seeded flow.</summary>
    public ReplicaClient AddClient(long id, int seed)
    {
        Fabric fabric = Fabric.Connect(FabricOptions);
        _clientFabrics.Add(fabric);
        ReplicaClient client = ReplicaClient.Create(fabric, Service, id, new ReplicaClientOptions { MaxMessageLength = MaxMessage, Window = 8 });
        Clients.Add(client);
        Flows.Add(new OrderFlow(seed));
        return client;
    }

    /// <summary>Drives every client until each has <paramref name="perClient"/> requests submitted and answered.</summary>
    public void Drive(int perClient, TimeSpan? deadline = null) =>
        ClientDriver.Drive(Clients, Flows, perClient, deadline ?? TimeSpan.FromSeconds(90), ThrowIfFailed, Describe);

    /// <summary>Waits until <paramref name="condition"/> holds, polling the clients meanwhile (they own streams).</summary>
    public void WaitUntil(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        DateTime end = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            ThrowIfFailed();
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"waited in vain for {what}; {Describe()}");
            }

            for (int i = 0; i < Clients.Count; i++)
            {
                OrderFlow flow = Flows[i];
                Clients[i].Poll(ref flow);
            }

            Thread.Sleep(1);
        }
    }

    public string Describe() => string.Join("; ", Servers.Select((s, i) => s is null ? $"server {i}: none" :
        $"server {i}: {s.Node.Role}, term {s.Node.Term}, last {s.Node.LastSequence}, mirrored {s.Node.IsMirrored}, joined {s.Node.IsJoined}, divergence {s.Node.Divergence}"))
        + "; clients: " + string.Join(", ", Clients.Select(c => $"current {c.CurrentServer} term {c.PrimaryTerm} unanswered {c.Unanswered}"));

    public void Dispose()
    {
        foreach (ReplicaClient client in Clients)
        {
            client.Dispose();
        }

        foreach (Fabric fabric in _clientFabrics)
        {
            fabric.Dispose();
        }

        foreach (FabricReplica? server in Servers)
        {
            server?.Dispose();
        }

        Directory.Delete(Folder, recursive: true);
    }

    private void ThrowIfFailed()
    {
        foreach (FabricReplica? server in Servers)
        {
            if (server?.Failure is Exception failure)
            {
                throw new InvalidOperationException("a replica failed: " + failure, failure);
            }
        }
    }
}
