using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Tests.Transport;
using RdmaStack.HighAvailability.Transport;
using RdmaStack.Queues;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>
/// The silence rule (ReplicaNode.PeerSilentFor): the other replica's silence is counted from its last message to the
/// last read of its stream that found nothing, never to "now". A replica descheduled between an empty read and the
/// check must not take its own sleep for the other's silence (the demo's false promotions of 30 November, 44e7dcb).
/// The clock here jumps at exactly that moment: right after the stamp of an empty read.
/// </summary>
public sealed class SilenceRuleTests
{
    private static readonly TimeSpan s_promotion = TimeSpan.FromMilliseconds(5);

    [Fact]
    public void A_backup_descheduled_between_an_empty_read_and_the_check_does_not_promote()
    {
        var clock = new JumpingClock();
        var toBackup = new InMemoryStream(ReplicaCluster.MaxMessage);
        var watched = new WatchedStream(toBackup);
        (ReplicaNode primary, ReplicaNode backup) = WholePair(clock, toBackup, watched);
        using ReplicaNode p = primary, b = backup;
        while (backup.DoWork() > 0)
        {
            // drain: the next pass of the backup starts on an empty stream
        }

        // The next empty read is stamped, then the backup is "descheduled" for ten promotion bounds before its check.
        watched.OnEmpty = () => clock.JumpAfterNextReading(s_promotion * 10);
        backup.DoWork();
        watched.OnEmpty = null;
        Assert.True(clock.Jumped);

        // Meanwhile the primary was alive: its heartbeat is waiting when the backup runs again.
        primary.DoWork();
        for (int pass = 0; pass < 10; pass++)
        {
            backup.DoWork();
        }

        Assert.Equal(0, backup.Promotions);
        Assert.Equal(ReplicaRole.Backup, backup.Role);
        Assert.True(backup.IsJoined);
    }

    [Fact]
    public void A_backup_whose_empty_reads_span_the_bound_promotes()
    {
        var clock = new JumpingClock();
        var toBackup = new InMemoryStream(ReplicaCluster.MaxMessage);
        (ReplicaNode primary, ReplicaNode backup) = WholePair(clock, toBackup, toBackup);
        using ReplicaNode p = primary, b = backup;

        // The primary stops (no more passes); the backup keeps reading an empty stream past the bound.
        for (int pass = 0; pass < 10 && backup.Promotions == 0; pass++)
        {
            clock.Advance(s_promotion);
            backup.DoWork();
        }

        Assert.Equal(1, backup.Promotions);
        Assert.Equal(ReplicaRole.Primary, backup.Role);
    }

    /// <summary>A primary and a backup on <paramref name="clock"/>, driven until the backup joined; the backup reads
    /// the primary's stream <paramref name="toBackup"/> through <paramref name="backupIn"/>.</summary>
    private static (ReplicaNode Primary, ReplicaNode Backup) WholePair(TimeProvider clock, InMemoryStream toBackup, IMessageStreamIn backupIn)
    {
        var toPrimary = new InMemoryStream(ReplicaCluster.MaxMessage);
        var service = new ReferencePriceService();
        var primary = new ReplicaNode(Options(ReplicaRole.Primary, clock), new OrderMatchingEngine(), [service]);
        var backup = new ReplicaNode(Options(ReplicaRole.Backup, clock), new OrderMatchingEngine(), [service]);
        primary.ConnectPeer(toBackup, toPrimary);
        backup.ConnectPeer(toPrimary, backupIn);
        for (int pass = 0; pass < 100_000 && !(primary.IsMirrored && backup.IsJoined); pass++)
        {
            primary.DoWork();
            backup.DoWork();
        }

        Assert.True(primary.IsMirrored && backup.IsJoined);
        return (primary, backup);
    }

    private static ReplicaOptions Options(ReplicaRole role, TimeProvider clock) => new()
    {
        InitialRole = role,
        MaxMessageLength = ReplicaCluster.MaxMessage,
        MaxCallResponseLength = 64,
        HeartbeatInterval = TimeSpan.FromMilliseconds(1),
        PromotionTimeout = s_promotion,
        BackupTimeout = TimeSpan.FromMinutes(10),
        TimeProvider = clock,
        PrepareCode = false,
    };

    /// <summary>A manual clock that can jump forward right after the next reading (returning the time before it).</summary>
    private sealed class JumpingClock : TimeProvider
    {
        private long _now = 1_000_000;
        private long _pendingJump;

        public bool Jumped { get; private set; }

        public override long TimestampFrequency => TimeProvider.System.TimestampFrequency;

        public override long GetTimestamp()
        {
            long now = _now;
            if (_pendingJump != 0)
            {
                _now += _pendingJump;
                _pendingJump = 0;
                Jumped = true;
            }

            return now;
        }

        public void JumpAfterNextReading(TimeSpan by) => _pendingJump = (long)(by.TotalSeconds * TimestampFrequency);

        public void Advance(TimeSpan by) => _now += (long)(by.TotalSeconds * TimestampFrequency);
    }

    /// <summary>The backup's end of its stream, telling the test when a read found nothing.</summary>
    private sealed class WatchedStream(InMemoryStream inner) : IMessageStreamIn
    {
        public Action? OnEmpty { get; set; }

        public bool IsPeerClosed => inner.IsPeerClosed;

        public int Poll<THandler>(ref THandler handler, int limit)
            where THandler : IMessageHandler, allows ref struct
        {
            int polled = inner.Poll(ref handler, limit);
            if (polled == 0)
            {
                OnEmpty?.Invoke();
            }

            return polled;
        }

        public int DoWork() => inner.DoWork();
    }
}
