using System.Text.Json;
using RdmaStack.HighAvailability.Quorum;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>One processor's process: the order book (with the run's faults, if it is their target) under the quorum
/// replicator, until the replicator shuts it down.</summary>
internal static class ProcessorPeer
{
    public static int Run(QuorumRunOptions run, string service, int index, long incarnation, TextWriter console)
    {
        QuorumOptions options = QuorumPeerSettings.Options(run);
        if (incarnation > 1)
        {
            // A restart joins a running replicator: waiting the start timeout for it would only keep a processor
            // restarted as the run ends (the replicator gone before it connected) alive past the runner's grace.
            options = options with { StartTimeout = options.ReplicatorTimeout };
        }

        var engine = new FaultyEngine(
            new OrderMatchingEngine(),
            run.CorruptProcessor == index ? run.CorruptEvery : 0,
            run.SlowProcessor == index ? run.SlowMicros : 0);
        string? error = null;
        using Fabric fabric = Fabric.Connect(run.Provider.FabricOptions(replicator: false, run.MessageLength, run.LinkTimeout));
        QuorumProcessor processor = QuorumProcessor.Open(fabric, service, index, incarnation, engine, options);
        try
        {
            using var limit = new CancellationTokenSource(run.Timeout);
            processor.Run(limit.Token);
        }
        catch (InvalidDataException e)
        {
            error = e.Message;
        }
        finally
        {
            processor.Dispose();
        }

        var result = new ProcessorResult
        {
            Index = index,
            Incarnation = incarnation,
            LastSequence = processor.LastSequence,
            InputsProcessed = processor.InputsProcessed,
            SnapshotsRestored = processor.SnapshotsRestored,
            SnapshotsSent = processor.SnapshotsSent,
            ExternalCalls = processor.ExternalCalls,
            StopReason = processor.StopReason,
            Error = error,
        };
        console.WriteLine(QuorumPeerSettings.ResultPrefix + JsonSerializer.Serialize(result, QuorumJsonContext.Default.ProcessorResult));
        console.Flush();
        return error is null ? 0 : 1;
    }
}
