using System.Text.Json.Serialization;

namespace RdmaStack.Cli.Ha;

/// <summary>What a server process of the HA demo reports when it is stopped.</summary>
internal sealed record HaServerResult
{
    public int Server { get; init; }

    public string Role { get; init; } = "";

    public long Term { get; init; }

    public long LastSequence { get; init; }

    public ulong StateDigest { get; init; }

    public long InputsProcessed { get; init; }

    public long RepeatsAnswered { get; init; }

    public long ExternalCallsMade { get; init; }

    public long ExternalCallsRecovered { get; init; }

    public long Promotions { get; init; }

    public long StepDowns { get; init; }

    public long BackupLosses { get; init; }

    public long SnapshotsSent { get; init; }

    public long InputsVerified { get; init; }

    public long CheckpointsVerified { get; init; }

    public bool IsJoined { get; init; }

    public bool IsMirrored { get; init; }

    public string? Divergence { get; init; }

    public string? Error { get; init; }
}

/// <summary>What a client process of the HA demo reports at the end (its requests and replies go to its log file).</summary>
internal sealed record HaClientResult
{
    public long Client { get; init; }

    public long Submitted { get; init; }

    public long Answered { get; init; }

    public long Resends { get; init; }

    public long ServerSwitches { get; init; }

    public long PrimaryTerm { get; init; }

    public long LatencyOrders { get; init; }

    public double LatencyP50Ns { get; init; }

    public double LatencyP99Ns { get; init; }

    public double LatencyP999Ns { get; init; }

    public double LatencyMaxNs { get; init; }

    public double LatencyMeanNs { get; init; }

    public string? Error { get; init; }
}

[JsonSerializable(typeof(HaServerResult))]
[JsonSerializable(typeof(HaClientResult))]
internal sealed partial class HaJsonContext : JsonSerializerContext;
