using System.Text.Json.Serialization;

namespace RdmaStack.Cli.Perf;

/// <summary>What one perf peer reports on its RESULT line.</summary>
internal sealed record PerfPeerResult
{
    public string Role { get; init; } = "";

    /// <summary>The side that measured fills this (the latency initiator, the bandwidth receiver).</summary>
    public List<PerfSizeResult> Sizes { get; init; } = [];

    /// <summary>Cost of one Stopwatch read back to back (reported; write-lat reads the clock while a message is in flight, so
    /// nothing is subtracted).</summary>
    public double TimerCostNs { get; init; }

    /// <summary>Notes for the report: pinning, mlockall.</summary>
    public List<string> Notes { get; init; } = [];

    public string? Error { get; init; }
}

[JsonSerializable(typeof(PerfPeerResult))]
[JsonSerializable(typeof(PerfReport))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class PerfJsonContext : JsonSerializerContext;
