namespace RdmaStack.Cli.Perf;

/// <summary>The JSON result file of `rdmastack perf`: where, what and the figures.</summary>
internal sealed record PerfReport
{
    public string Tool { get; init; } = "rdmastack perf";

    public string Test { get; init; } = "";

    public string Command { get; init; } = "";

    public string Commit { get; init; } = "";

    public string DateUtc { get; init; } = "";

    public MachineInfo Machine { get; init; } = new();

    public string Provider { get; init; } = "";

    public string Cpus { get; init; } = "";

    public string Idle { get; init; } = "";

    public string Queue { get; init; } = "";

    public double TimerCostNs { get; init; }

    public List<string> Notes { get; init; } = [];

    public List<PerfSizeResult> Results { get; init; } = [];
}
