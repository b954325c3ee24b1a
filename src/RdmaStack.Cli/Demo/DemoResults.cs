using System.Text.Json.Serialization;

namespace RdmaStack.Cli.Demo;

/// <summary>What the receiving process saw.</summary>
internal sealed record ReceiverResult
{
    public long Received { get; init; }

    public long Lost { get; init; }

    public long Duplicated { get; init; }

    public long OutOfOrder { get; init; }

    public long Corrupted { get; init; }

    public long CorruptSlots { get; init; }

    public long SequenceErrors { get; init; }

    public long TornReads { get; init; }

    public long HeadPublications { get; init; }

    public double StreamSeconds { get; init; }

    public long PingsEchoed { get; init; }

    public long PingsCorrupted { get; init; }

    /// <summary>The last link failure the library reported on this side, in words, or null.</summary>
    public string? LinkFailure { get; init; }

    public string? Error { get; init; }
}

/// <summary>What the sending process saw (the round-trip times are null when no round trip was measured).</summary>
internal sealed record SenderResult
{
    public long Sent { get; init; }

    public long BackPressured { get; init; }

    public double StreamSeconds { get; init; }

    public long RoundTrips { get; init; }

    public long PongsLost { get; init; }

    public long PongsCorrupted { get; init; }

    public double? RttMinNs { get; init; }

    public double? RttP50Ns { get; init; }

    public double? RttP99Ns { get; init; }

    public double? RttP999Ns { get; init; }

    public double? RttMaxNs { get; init; }

    public double? RttMeanNs { get; init; }

    /// <summary>The highest sequence the receiver acknowledged on the stream (what it surely received).</summary>
    public long Acknowledged { get; init; }

    /// <summary>The last link failure the library reported on this side, in words, or null.</summary>
    public string? LinkFailure { get; init; }

    public string? Error { get; init; }
}

[JsonSerializable(typeof(ReceiverResult))]
[JsonSerializable(typeof(SenderResult))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
