namespace RdmaStack.Cli.Perf;

/// <summary>The figures of one test, implementation and message size in a run file, by run.sh's names
/// (t_typical_us, p99_us, p999_us, bw_avg_mbps, msg_rate_mpps, ...; MB = 2^20 bytes, as perftest's).</summary>
/// <param name="Test">"write-lat" or "write-bw".</param>
/// <param name="Implementation">"ours" (rdmastack) or "perftest" (run.sh's baseline).</param>
/// <param name="Bytes">The message size.</param>
/// <param name="Figures">The figures by name.</param>
internal sealed record PerfRunRow(string Test, string Implementation, int Bytes, IReadOnlyDictionary<string, double> Figures)
{
    /// <summary>The row's identity across two runs.</summary>
    public (string Test, string Implementation, int Bytes) Key => (Test, Implementation, Bytes);
}
