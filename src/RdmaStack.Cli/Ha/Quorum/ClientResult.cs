namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>What one client process saw.</summary>
internal sealed record ClientResult
{
    public long ClientId { get; init; }

    public long Sent { get; init; }

    public long Answered { get; init; }

    public long Agreed { get; init; }

    public long NoQuorum { get; init; }

    public long Rejected { get; init; }

    public long Duplicated { get; init; }

    public long Unknown { get; init; }

    /// <summary>Send to reply, as the client saw it.</summary>
    public LatencySummary RoundTrip { get; init; } = new();

    public double Seconds { get; init; }

    public string? Error { get; init; }
}
