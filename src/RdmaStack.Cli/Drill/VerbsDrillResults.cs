using System.Text.Json.Serialization;

namespace RdmaStack.Cli.Drill;

/// <summary>What the verbs drill's sending process measured (times are Stopwatch ticks, CLOCK_MONOTONIC).</summary>
internal sealed record VerbsDrillSenderResult
{
    public int Injected { get; init; }

    /// <summary>Per link-down: the moment the command reached `ip`.</summary>
    public long[] InjectedAt { get; init; } = [];

    /// <summary>Per link-down: when it was seen to have taken effect (see <see cref="ConfirmedBy"/>), or -1.</summary>
    public long[] ConfirmedAt { get; init; } = [];

    /// <summary>What <see cref="ConfirmedAt"/> measures from <see cref="InjectedAt"/>.</summary>
    public string ConfirmedBy { get; init; } = "";

    /// <summary>Per link-down: the link taken down.</summary>
    public int[] Links { get; init; } = [];

    /// <summary>Per link-down: when the writer declared the link failed, or -1.</summary>
    public long[] DetectedAt { get; init; } = [];

    /// <summary>Per link-down: what showed it.</summary>
    public string?[] DetectedBy { get; init; } = [];

    /// <summary>Per link-down: the activation epoch of the failover it caused (0 if none).</summary>
    public long[] FailoverEpochs { get; init; } = [];

    public long Failovers { get; init; }

    public long UnexpectedFailures { get; init; }

    public Dictionary<string, int> UnexpectedReasons { get; init; } = [];

    public long Reestablished { get; init; }

    /// <summary>Per re-establishment: the link-up (or the start, for a link not taken down by us) to the
    /// new writer in place, ticks.</summary>
    public long[] ReestablishTicks { get; init; } = [];

    public long MessagesResent { get; init; }

    public long Sent { get; init; }

    public long AsyncEvents { get; init; }

    /// <summary>Across two hosts: the receiver's verdict (<see cref="DrillVerdict"/>'s figures) as it came back over
    /// the fabric; null on one host, or when it did not come.</summary>
    public long[]? Verdict { get; init; }

    public double Seconds { get; init; }

    public string? Error { get; init; }
}

/// <summary>What the verbs drill's receiving process measured.</summary>
internal sealed record VerbsDrillReceiverResult
{
    /// <summary>The messages the sender announced (the plan, the data stream's first message).</summary>
    public long Expected { get; init; }

    public long Delivered { get; init; }

    public long Lost { get; init; }

    public long Duplicated { get; init; }

    public long OutOfOrder { get; init; }

    public long Corrupted { get; init; }

    /// <summary>When the first message over another link was delivered, each switch (ticks).</summary>
    public long[] SwitchAt { get; init; } = [];

    /// <summary>The activation epoch each switch followed (same order as <see cref="SwitchAt"/>).</summary>
    public long[] SwitchEpochs { get; init; } = [];

    public long Switches { get; init; }

    public long FaultsReported { get; init; }

    public long Reestablished { get; init; }

    public long AsyncEvents { get; init; }

    public double Seconds { get; init; }

    public string? Error { get; init; }
}

[JsonSerializable(typeof(VerbsDrillSenderResult))]
[JsonSerializable(typeof(VerbsDrillReceiverResult))]
internal sealed partial class DrillJsonContext : JsonSerializerContext;
