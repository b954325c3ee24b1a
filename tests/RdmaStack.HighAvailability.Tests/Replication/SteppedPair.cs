using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Tests.Transport;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// A primary and a backup of the order book driven step by step on the test's thread (no threads, no
/// timing), with one client connection to the primary; the tests stall streams to reach exact states.
/// </summary>
internal sealed class SteppedPair : IDisposable
{
    /// <param name="promotionTimeout">The backup's promotion bound.</param>
    /// <param name="backupTimeout">The primary's bound for a silent backup (10 minutes if null).</param>
    /// <param name="joinRetryInterval">The backup's join retry (the library's default if null).</param>
    /// <param name="whole">Drives the pair until the backup joined (otherwise the test does).</param>
    public SteppedPair(TimeSpan promotionTimeout, TimeSpan? backupTimeout = null, TimeSpan? joinRetryInterval = null, bool whole = true)
    {
        var service = new ReferencePriceService();
        TimeSpan backupBound = backupTimeout ?? TimeSpan.FromMinutes(10);
        TimeSpan joinRetry = joinRetryInterval ?? new ReplicaOptions().JoinRetryInterval;
        Primary = new ReplicaNode(Options(ReplicaRole.Primary, promotionTimeout, backupBound, joinRetry), new OrderMatchingEngine(), [service]);
        Backup = new ReplicaNode(Options(ReplicaRole.Backup, promotionTimeout, backupBound, joinRetry), new OrderMatchingEngine(), [service]);
        Primary.ConnectPeer(ToBackup, ToPrimary);
        Backup.ConnectPeer(ToPrimary, ToBackup);
        Primary.AddClient(Requests, Replies);
        if (whole)
        {
            Pump(() => Primary.IsMirrored && Backup.IsJoined);
        }
    }

    public ReplicaNode Primary { get; }

    public ReplicaNode Backup { get; }

    public InMemoryStream ToBackup { get; } = new(ReplicaCluster.MaxMessage);

    public InMemoryStream ToPrimary { get; } = new(ReplicaCluster.MaxMessage);

    public InMemoryStream Requests { get; } = new(ReplicaCluster.MaxMessage);

    public InMemoryStream Replies { get; } = new(ReplicaCluster.MaxMessage);

    /// <summary>Sends a request on a raw connection.</summary>
    public static void Send(InMemoryStream requests, long clientId, long clientSequence, ReadOnlySpan<byte> payload)
    {
        byte[] message = new byte[1 + 16 + payload.Length];
        var writer = new WireWriter(message);
        writer.Type(MessageType.Request);
        writer.Int64(clientId);
        writer.Int64(clientSequence);
        writer.Bytes(payload);
        Assert.True(requests.Offer(message) > 0);
    }

    /// <summary>Sends a cancel of an unknown order: processed without any external call.</summary>
    public static void SendCancel(InMemoryStream requests, long clientSequence)
    {
        byte[] cancel = new byte[OrderRequests.MaxLength];
        Send(requests, clientId: 5, clientSequence, cancel.AsSpan(0, OrderRequests.Cancel(cancel, 1000 + clientSequence)));
    }

    /// <summary>Drives both replicas until <paramref name="until"/> holds (a bounded number of passes).</summary>
    public void Pump(Func<bool> until)
    {
        for (int pass = 0; pass < 100_000 && !until(); pass++)
        {
            Primary.DoWork();
            Backup.DoWork();
        }

        Assert.True(until());
    }

    public void Dispose()
    {
        Primary.Dispose();
        Backup.Dispose();
    }

    private static ReplicaOptions Options(ReplicaRole role, TimeSpan promotionTimeout, TimeSpan backupTimeout, TimeSpan joinRetryInterval) => new()
    {
        JoinRetryInterval = joinRetryInterval,
        InitialRole = role,
        MaxMessageLength = ReplicaCluster.MaxMessage,
        MaxCallResponseLength = 64,
        PromotionTimeout = promotionTimeout,
        BackupTimeout = backupTimeout,
    };
}
