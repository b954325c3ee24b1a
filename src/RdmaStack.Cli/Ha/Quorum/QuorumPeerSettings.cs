using RdmaStack.HighAvailability.Quorum;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>The library settings every process of a run derives from the run's options, identically.</summary>
internal static class QuorumPeerSettings
{
    /// <summary>A line a process prints for the runner, with its final JSON.</summary>
    public const string ResultPrefix = "RESULT ";

    /// <summary>The replicator's progress line: "PROGRESS answered agreed noquorum ejections readmissions active".</summary>
    public const string ProgressPrefix = "PROGRESS ";

    /// <summary>The replicator's last progress line: every client is done and the processors are told to stop (so a
    /// processor that exits now is not started again).</summary>
    public const string Finishing = "finishing";

    public static QuorumOptions Options(QuorumRunOptions run) => new()
    {
        ProcessorCount = run.Processors,
        Quorum = run.Quorum,
        MaxMessageLength = run.MessageLength,
        MaxCallResponseLength = 64,
        Window = 4096,
        HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Max(1, run.HeartbeatTimeout.TotalMilliseconds / 50)),
        HeartbeatTimeout = run.HeartbeatTimeout,
        ResponseTimeout = TimeSpan.FromSeconds(Math.Max(10, run.HeartbeatTimeout.TotalSeconds * 10)),
        StartTimeout = run.StartTimeout,
        ReplicatorTimeout = TimeSpan.FromSeconds(Math.Max(10, run.HeartbeatTimeout.TotalSeconds * 10)),
        IdleStrategy = run.Idle == "backoff"
            ? static () => IdleStrategy.Backoff(100, 20, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1))
            : () => IdleStrategy.Parse(run.Idle),
    };
}
