using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.HighAvailability.Tests.Transport;
using RdmaStack.Samples.OrderMatching;
using RdmaStack.Threading;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// Two replicas of the order matching engine and their clients, in one process over in-memory streams: each
/// replica on a thread of its own, the clients driven by the test's thread. Replicas are started, killed
/// (between passes, or by a hook at a chosen moment) and restarted; every replica journals into a temporary
/// folder.
/// </summary>
internal sealed class ReplicaCluster : IDisposable
{
    public const int MaxMessage = 256;

    private readonly Func<IDeterministicEngine> _engines;
    private readonly List<OrderFlow> _flows = [];
    private readonly List<ServerSlot> _slots = [];
    private int _journals;

    /// <param name="engines">Makes each replica's engine (the order book if null).</param>
    /// <param name="repeatableCalls">Declares the reference-price service repeatable (no intent round trip).</param>
    public ReplicaCluster(Func<IDeterministicEngine>? engines = null, bool repeatableCalls = false)
    {
        _engines = engines ?? (static () => new OrderMatchingEngine());
        Folder = Directory.CreateTempSubdirectory("rdmastack-ha-").FullName;
        Service = new ReferencePriceService { Repeatable = repeatableCalls };
    }

    public string Folder { get; }

    public ReferencePriceService Service { get; }

    public ServerSlot?[] Servers { get; } = new ServerSlot?[2];

    public List<ReplicaClient> Clients { get; } = [];

    public IReadOnlyList<OrderFlow> Flows => _flows;

    public int CheckpointInterval { get; init; } = 16;

    public int FlushRecords { get; init; } = 64;

    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// The promotion and backup-loss bound. Generous by default: the host has 2 cores shared with other builds,
    /// and a false promotion would fail the test.
    /// </summary>
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(2);

    public ReplicaOptions Options(ReplicaRole role, string? journal) => new()
    {
        InitialRole = role,
        MaxMessageLength = MaxMessage,
        SessionWindow = 256,
        MaxCallResponseLength = 64,
        HeartbeatInterval = HeartbeatInterval,
        PromotionTimeout = FailureTimeout,
        BackupTimeout = FailureTimeout,
        CheckpointInterval = CheckpointInterval,
        JournalPath = journal,
        FlushInterval = FlushInterval,
        FlushRecords = FlushRecords,
        RecordBufferBytes = 1 << 20,
    };

    public string NewJournalPath(int server) => Path.Combine(Folder, $"server{server}-{++_journals}.journal");

    /// <summary>Starts replica <paramref name="index"/>, connected to the other (if it runs) and to every client.</summary>
    public ServerSlot Start(int index, ReplicaRole role, string? journal = null, Action<ReplicaHookPoint, long>? hook = null, bool dropUndeliveredOnCrash = false)
    {
        journal ??= NewJournalPath(index);
        var node = new ReplicaNode(Options(role, journal), _engines(), [Service]) { Hook = hook };
        var slot = new ServerSlot(node, journal, dropUndeliveredOnCrash);
        ServerSlot? other = Servers[1 - index];
        if (other is not null && !other.Crashed && !other.Stopped)
        {
            var toOther = new InMemoryStream(MaxMessage);
            var fromOther = new InMemoryStream(MaxMessage);
            slot.Outgoing(toOther);
            slot.Incoming(fromOther);
            other.Outgoing(fromOther);
            other.Incoming(toOther);
            node.ConnectPeer(toOther, fromOther);
            other.Node.ConnectPeer(fromOther, toOther);
        }

        Servers[index] = slot;
        _slots.Add(slot);
        foreach (ReplicaClient client in Clients)
        {
            ConnectClient(client, index, replace: true);
        }

        slot.Start();
        return slot;
    }

    /// <summary>Starts replica 0 as the primary and replica 1 as its backup, and waits until the backup joined.</summary>
    public (ServerSlot Primary, ServerSlot Backup) StartPair(Action<ReplicaHookPoint, long>? hook = null, bool dropUndeliveredOnCrash = false)
    {
        ServerSlot primary = Start(0, ReplicaRole.Primary, hook: hook, dropUndeliveredOnCrash: dropUndeliveredOnCrash);
        ServerSlot backup = Start(1, ReplicaRole.Backup);
        WaitUntil(() => primary.Node.IsMirrored && backup.Node.IsJoined, "the backup to join");
        return (primary, backup);
    }

    /// <summary>Adds clients (ids 1, 2, ...), each connected to both replicas, with seeded order flows.</summary>
    public void AddClients(int count, int window = 16)
    {
        for (int i = 0; i < count; i++)
        {
            long id = Clients.Count + 1;
            var client = new ReplicaClient(id, new ReplicaClientOptions { MaxMessageLength = MaxMessage, Window = window });
            for (int server = 0; server < 2; server++)
            {
                ConnectClient(client, server, replace: false);
            }

            Clients.Add(client);
            _flows.Add(new OrderFlow(seed: (int)id * 7919));
        }
    }

    /// <summary>Opens an extra connection to replica <paramref name="index"/> (requests out, replies in).</summary>
    public (InMemoryStream Requests, InMemoryStream Replies) Connect(int index)
    {
        ServerSlot slot = Servers[index]!;
        var requests = new InMemoryStream(MaxMessage);
        var replies = new InMemoryStream(MaxMessage);
        slot.Incoming(requests);
        slot.Outgoing(replies);
        slot.Node.AddClient(requests, replies);
        return (requests, replies);
    }

    /// <summary>
    /// Drives every client until each submitted <paramref name="perClient"/> requests in all and has every one
    /// answered; fails if a replica failed or the deadline passed.
    /// </summary>
    public void Drive(int perClient, TimeSpan? deadline = null) =>
        ClientDriver.Drive(Clients, _flows, perClient, deadline ?? TimeSpan.FromSeconds(90), ThrowIfFailed, Describe);

    /// <summary>Waits until <paramref name="condition"/> holds (polling the clients meanwhile).</summary>
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

            Thread.Sleep(1);
        }
    }

    public void ThrowIfFailed()
    {
        foreach (ServerSlot? slot in Servers)
        {
            if (slot?.Failure is Exception failure)
            {
                throw new InvalidOperationException("a replica failed: " + failure, failure);
            }
        }
    }

    public string Describe() => string.Join("; ", Servers.Select((s, i) => s is null ? $"server {i}: none" :
        $"server {i}: {s.Node.Role}, last {s.Node.LastSequence}, mirrored {s.Node.IsMirrored}, joined {s.Node.IsJoined}, crashed {s.Crashed}, divergence {s.Node.Divergence}"));

    /// <summary>
    /// Sends every request each client made again, over a new connection to replica <paramref name="index"/>,
    /// and checks that each comes back exactly as the client first saw it (answered from its record).
    /// </summary>
    public void AssertEveryReplyReproducedOnResend(int index, Func<long, bool>? recordFilter = null)
    {
        byte[] message = new byte[MaxMessage];
        for (int i = 0; i < Clients.Count; i++)
        {
            OrderFlow flow = _flows[i];
            (InMemoryStream requests, InMemoryStream replies) = Connect(index);
            var resent = flow.Requests.Where(r => recordFilter is null || recordFilter(flow.RecordSequences[r.Key])).ToList();
            foreach ((long sequence, byte[] payload) in resent)
            {
                var writer = new WireWriter(message);
                writer.Type(MessageType.Request);
                writer.Int64(Clients[i].ClientId);
                writer.Int64(sequence);
                writer.Bytes(payload);
                byte[] request = writer.Written.ToArray();
                WaitUntil(() => requests.Offer(request) > 0, "room to resend");
            }

            var seen = new Dictionary<long, (ReplyStatus Status, long Record, byte[] Output)>();
            var collector = new ReplyCollector(seen);
            WaitUntil(() => { replies.Poll(ref collector, int.MaxValue); return seen.Count == resent.Count; }, $"client {i + 1}'s repeated replies");
            foreach ((long sequence, _) in resent)
            {
                byte[] reply = flow.Replies[sequence];
                (ReplyStatus status, long record, byte[] output) = seen[sequence];
                Assert.Equal(ReplyStatus.Processed, status);
                Assert.Equal(flow.RecordSequences[sequence], record);
                Assert.Equal(reply, output);
            }
        }
    }

    public void StopAll()
    {
        foreach (ServerSlot? slot in Servers)
        {
            slot?.Stop();
        }
    }

    public void Dispose()
    {
        foreach (ServerSlot slot in _slots)
        {
            slot.Dispose();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // a journal still open by a crashed replica's handle: the temporary folder stays
        }
    }

    private void ConnectClient(ReplicaClient client, int index, bool replace)
    {
        (InMemoryStream requests, InMemoryStream replies) = Connect(index);
        if (replace)
        {
            client.ReplaceServer(index, requests, replies);
        }
        else
        {
            client.AddServer(requests, replies);
        }
    }
}
