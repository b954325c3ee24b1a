using System.Globalization;
using RdmaStack.Cli.Demo;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Perf;

/// <summary>One process of `rdmastack perf`: pins its hot thread, then runs every size over a fresh pair of queues.</summary>
internal static class PerfPeer
{
    public static PerfPeerResult Run(string role, string name, PerfOptions options)
    {
        var notes = new List<string>();
        var sizes = new List<PerfSizeResult>();
        double timerTicks = 0;
        try
        {
            HotThread.Pin(role, options.Cpus);
            if (options.Cpus is not null)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{role}: pinned to CPU {string.Join(',', CpuAffinity.GetCurrentThreadAffinity())}"));
            }

            if (options.LockMemory)
            {
                MemoryLock.TryLockAll(out string locked);
                notes.Add($"{role}: {locked}");
            }

            IIdleStrategy idle = IdleStrategy.Parse(options.Idle);
            timerTicks = LatencyStatistics.TimerCostTicks();
            foreach (int size in options.Sizes)
            {
                PerfOptions sized = options.ForSize(size);
                string queue = string.Create(CultureInfo.InvariantCulture, $"{name}.s{size}");
                // A server waits for its client as long as it takes (perftest's does), then as long as any other wait.
                TimeSpan connect = options.TwoHost is { IsServer: true } && sizes.Count == 0 ? Timeout.InfiniteTimeSpan : options.StallTimeout;
                using PeerStreams streams = PeerStreams.Open(options.FabricOptionsFor(role, size), role, queue, connect);
                Publication output = streams.Outbound;
                Subscription input = streams.Inbound;
                PerfSizeResult? result = RunSize(role, output, input, size, sized, idle);
                if (result is not null)
                {
                    sizes.Add(result);
                }

                // Both sides leave a size only when its traffic is done; a last handshake keeps the
                // next size's queues from being torn down under a peer still reading.
                LatencyPeer.Send(output, [], -1, idle, LatencyPeer.StallTicks(options));
                WaitForOne(input, idle, options, $"the peer finishing {size} B");
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or TransportException or ArgumentException)
        {
            return new PerfPeerResult { Role = role, Sizes = sizes, Notes = notes, TimerCostNs = Ns(timerTicks), Error = e.Message };
        }

        return new PerfPeerResult { Role = role, Sizes = sizes, Notes = notes, TimerCostNs = Ns(timerTicks) };
    }

    private static PerfSizeResult? RunSize(string role, Publication output, Subscription input, int size, PerfOptions options, IIdleStrategy idle)
    {
        bool sender = role == "sender";
        if (options.Test == PerfTest.WriteLatency)
        {
            if (sender)
            {
                return LatencyPeer.RunInitiator(output, input, size, options, idle);
            }

            LatencyPeer.RunResponder(output, input, size, options, idle);
            return null;
        }

        if (sender)
        {
            return BandwidthPeer.RunSender(output, input, size, options, idle);
        }

        return BandwidthPeer.RunReceiver(input, output, size, options, idle);
    }

    private static void WaitForOne(Subscription input, IIdleStrategy idle, PerfOptions options, string what)
    {
        var sink = new Discard();
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + LatencyPeer.StallTicks(options);
        while (input.Poll(ref sink, 1) == 0)
        {
            idle.Idle(0);
            if (System.Diagnostics.Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"waited {options.StallTimeout.TotalSeconds:0.#} s for {what}");
            }
        }
    }

    private static double Ns(double ticks) => ticks * 1e9 / System.Diagnostics.Stopwatch.Frequency;

    private struct Discard : IMessageHandler
    {
        public readonly void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
        }
    }
}
