using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RdmaStack.HighAvailability.Quorum;
using RdmaStack.Samples.OrderMatching;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// The replicator's process: opens the replicator on the fabric with the reference-price service, serves the run's
/// clients until each said it is done and was answered, prints progress for the runner, then writes its records and
/// its result and tells the processors to stop.
/// </summary>
internal static class ReplicatorPeer
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    public static int Run(QuorumRunOptions run, string service, string directory, TextWriter console)
    {
        QuorumOptions options = QuorumPeerSettings.Options(run);
        var recorder = new ReplicatorRecorder();
        string? error = null;
        using Fabric fabric = Fabric.Connect(run.Provider.FabricOptions(replicator: true, run.MessageLength, run.LinkTimeout));
        QuorumReplicator replicator = QuorumReplicator.Open(fabric, service, options, [new ReferencePriceService()], recorder);
        try
        {
            for (long id = 1; id <= run.Clients; id++)
            {
                replicator.AddClient(id);
            }

            IIdleStrategy idle = options.IdleStrategy();
            long deadline = Stopwatch.GetTimestamp() + (long)(run.Timeout.TotalSeconds * Stopwatch.Frequency);
            long nextProgress = 0;
            while (replicator.ClientsDone < run.Clients)
            {
                idle.Idle(replicator.DoWork());
                long now = Stopwatch.GetTimestamp();
                if (now >= nextProgress)
                {
                    nextProgress = now + (long)(ProgressInterval.TotalSeconds * Stopwatch.Frequency);
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{QuorumPeerSettings.ProgressPrefix}{replicator.Answered} {replicator.Agreed} {replicator.NoQuorum} {replicator.Ejections} {replicator.Readmissions} {replicator.ActiveProcessors}"));
                    console.Flush();
                }

                if (now > deadline)
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"the run did not finish within {run.Timeout.TotalSeconds:0} s ({replicator.ClientsDone} of {run.Clients} clients done)");
                    break;
                }
            }

            console.WriteLine(QuorumPeerSettings.ProgressPrefix + QuorumPeerSettings.Finishing);
            console.Flush();
            File.WriteAllBytes(Path.Combine(directory, RunRecords.Inputs), recorder.Inputs.WrittenSpan.ToArray());
            File.WriteAllBytes(Path.Combine(directory, RunRecords.Calls), recorder.Calls.WrittenSpan.ToArray());
        }
        finally
        {
            replicator.Dispose();
        }

        var result = new ReplicatorResult
        {
            Sequenced = replicator.Sequenced,
            Agreed = replicator.Agreed,
            NoQuorum = replicator.NoQuorum,
            Rejected = replicator.Rejected,
            Dissents = replicator.Dissents,
            LateResponses = replicator.LateResponses,
            Ejections = replicator.Ejections,
            Readmissions = replicator.Readmissions,
            TransfersFailed = replicator.TransfersFailed,
            CallsExecuted = replicator.CallsExecuted,
            CallsRefused = replicator.CallsRefused,
            ClientsDone = replicator.ClientsDone,
            Processors = [.. Enumerable.Range(0, run.Processors).Select(replicator.GetProcessorStatus)],
            Events = recorder.Events,
            ToQuorum = LatencySummary.Of(recorder.ToQuorum),
            ToFastest = LatencySummary.Of(recorder.ToFastest),
            Error = error,
        };
        console.WriteLine(QuorumPeerSettings.ResultPrefix + JsonSerializer.Serialize(result, QuorumJsonContext.Default.ReplicatorResult));
        console.Flush();
        return error is null ? 0 : 1;
    }
}
