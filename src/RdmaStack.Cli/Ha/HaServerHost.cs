using System.Text.Json;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Cli.Ha;

/// <summary>
/// One server process of the HA demo (`rdmastack ha node`): the order book replica over its fabric, its hot thread
/// running the replica, and a monitor thread that prints what changes (role, join, mirror, promotion, divergence) as
/// <see cref="HaEvent"/> lines; a <c>state</c> line whenever the role, joined or mirrored changes. "stop" on standard input ends it with a result line.
/// </summary>
internal static class HaServerHost
{
    public const string ResultPrefix = "RESULT ";

    public static int Run(HaNodeOptions o, TextWriter console)
    {
        using Fabric fabric = Fabric.Connect(o.Settings.ServerFabric(o.Server));
        using var prices = new SharedReferencePriceService(o.Ledger, o.LedgerCapacity) { Repeatable = o.Settings.RepeatableCalls };
        var service = new ReplicaServiceOptions { Name = o.Service, Servers = o.Servers, Directory = o.Directory };
        ReplicaNode node = ReplicaNode.Create(fabric, service, o.Server, o.Settings.Replica(o.Role, o.Journal, o.SessionWindow), new OrderMatchingEngine(), [prices]);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var hot = new Thread(() =>
        {
            try
            {
                node.Run(stop.Token);
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        { Name = "replica", IsBackground = true };
        hot.Start();
        console.WriteLine(HaEvent.Format("ready", ("server", o.Server), ("role", node.Role), ("pid", Environment.ProcessId)));
        console.Flush();
        HaControl control = HaControl.Listen(Console.In);
        Watch(node, control, () => failure, console);
        stop.Cancel();
        hot.Join();
        if (failure is not null)
        {
            console.WriteLine(HaEvent.Format("failed", ("error", failure.GetType().Name)));
            Console.Error.WriteLine(failure);
        }

        var result = new HaServerResult
        {
            Server = o.Server,
            Role = node.Role.ToString(),
            Term = node.Term,
            LastSequence = node.LastSequence,
            StateDigest = node.ComputeStateDigest(),
            InputsProcessed = node.InputsProcessed,
            RepeatsAnswered = node.RepeatsAnswered,
            ExternalCallsMade = node.ExternalCallsMade,
            ExternalCallsRecovered = node.ExternalCallsRecovered,
            Promotions = node.Promotions,
            StepDowns = node.StepDowns,
            BackupLosses = node.BackupLosses,
            SnapshotsSent = node.SnapshotsSent,
            InputsVerified = node.Verification.InputsVerified,
            CheckpointsVerified = node.Verification.CheckpointsVerified,
            IsJoined = node.IsJoined,
            IsMirrored = node.IsMirrored,
            Divergence = node.Divergence?.ToString(),
            Error = failure?.Message,
        };
        node.Dispose();
        console.WriteLine(ResultPrefix + JsonSerializer.Serialize(result, HaJsonContext.Default.HaServerResult));
        console.Flush();
        return failure is null ? 0 : 1;
    }

    /// <summary>Prints each change of the replica's state until "stop" (or the replica failed). The replica's counters
    /// are read from this thread, as they may be; the hot thread never prints.</summary>
    private static void Watch(ReplicaNode node, HaControl control, Func<Exception?> failure, TextWriter console)
    {
        bool joined = false;
        bool mirrored = false;
        long promotions = 0;
        long stepDowns = 0;
        long backupLosses = 0;
        bool diverged = false;
        ReplicaRole role = node.Role;
        bool stateJoined = false;
        bool stateMirrored = false;
        console.WriteLine(HaEvent.Format("state", ("role", role), ("joined", false), ("mirrored", false), ("term", node.Term)));
        while (!control.Has("stop") && failure() is null)
        {
            if (node.Promotions != promotions)
            {
                promotions = node.Promotions;
                console.WriteLine(HaEvent.Format("promoted", ("at", node.PromotedAt), ("sequence", node.SequenceAtPromotion), ("term", node.Term),
                    ("verified", node.Verification.InputsVerified), ("checkpoints", node.Verification.CheckpointsVerified)));
            }

            if (node.StepDowns != stepDowns)
            {
                stepDowns = node.StepDowns;
                console.WriteLine(HaEvent.Format("stepped-down", ("sequence", node.LastSequence)));
            }

            if (node.BackupLosses != backupLosses)
            {
                backupLosses = node.BackupLosses;
                console.WriteLine(HaEvent.Format("backup-lost", ("sequence", node.LastSequence)));
            }

            if (node.IsJoined != joined)
            {
                joined = node.IsJoined;
                if (joined)
                {
                    console.WriteLine(HaEvent.Format("joined", ("sequence", node.LastSequence)));
                }
            }

            if (node.IsMirrored != mirrored)
            {
                mirrored = node.IsMirrored;
                if (mirrored)
                {
                    console.WriteLine(HaEvent.Format("mirrored", ("sequence", node.LastSequence)));
                }
            }

            if (node.Role != role || node.IsJoined != stateJoined || node.IsMirrored != stateMirrored)
            {
                role = node.Role;
                stateJoined = node.IsJoined;
                stateMirrored = node.IsMirrored;
                console.WriteLine(HaEvent.Format("state", ("role", role), ("joined", stateJoined), ("mirrored", stateMirrored), ("term", node.Term)));
            }

            if (!diverged && node.Divergence is { } divergence)
            {
                diverged = true;
                console.WriteLine(HaEvent.Format("divergence", ("sequence", divergence.Sequence), ("kind", divergence.Kind)));
            }

            console.Flush();
            Thread.Sleep(1);
        }
    }
}
