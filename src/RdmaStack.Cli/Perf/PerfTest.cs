namespace RdmaStack.Cli.Perf;

/// <summary>The perftest-style tests `rdmastack perf` runs.</summary>
internal enum PerfTest
{
    /// <summary>write-lat: ping-pong of one message each way; one-way latency = RTT / 2.</summary>
    WriteLatency,

    /// <summary>write-bw: one-way stream; messages and bytes per second.</summary>
    WriteBandwidth,
}
