using System.Diagnostics;
using RdmaStack.Queues;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// One side of a two-process run: a fabric with a publication towards the peer and a subscription from it (streams
/// NAME.ab from sender to receiver and NAME.ba back), connected by the library. Disposing closes the subscription
/// first (it acknowledges what it read), then the publication (flushing), then the fabric.
/// </summary>
internal sealed class PeerStreams : IDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    private readonly Fabric _fabric;

    private PeerStreams(Fabric fabric, Publication outbound, Subscription inbound)
    {
        _fabric = fabric;
        Outbound = outbound;
        Inbound = inbound;
    }

    /// <summary>Towards the peer.</summary>
    public Publication Outbound { get; }

    /// <summary>From the peer.</summary>
    public Subscription Inbound { get; }

    /// <summary>Opens both streams of <paramref name="role"/> and waits until both are connected.</summary>
    /// <param name="options">The fabric's options.</param>
    /// <param name="role">"sender" or "receiver".</param>
    /// <param name="name">The run's unique name.</param>
    /// <param name="timeout">How long to wait for the peer.</param>
    /// <returns>The connected streams.</returns>
    /// <exception cref="TimeoutException">The peer did not connect in time.</exception>
    public static PeerStreams Open(FabricOptions options, string role, string name, TimeSpan timeout)
    {
        (string outbound, string inbound) = role == "sender" ? (name + ".ab", name + ".ba") : (name + ".ba", name + ".ab");
        Fabric fabric = Fabric.Connect(options);
        try
        {
            Subscription sub = fabric.AddSubscription(inbound);
            Publication pub = fabric.AddPublication(outbound);
            var streams = new PeerStreams(fabric, pub, sub);
            streams.WaitConnected(timeout);
            return streams;
        }
        catch
        {
            fabric.Dispose();
            throw;
        }
    }

    /// <summary>Housekeeping of both streams (the idle loop of a thread that drives both).</summary>
    public int DoWork() => Outbound.DoWork() + Inbound.DoWork();

    /// <inheritdoc/>
    public void Dispose()
    {
        Inbound.Dispose();
        Outbound.Close(CloseTimeout);
        _fabric.Dispose();
    }

    private void WaitConnected(TimeSpan timeout)
    {
        IIdleStrategy idle = IdleStrategy.Backoff();
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!Outbound.IsConnected || !Inbound.IsConnected)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                // "Couldn't connect" is perftest's wording, which scripts that retry a client started too early look for.
                throw new TimeoutException(
                    $"Couldn't connect: the peer did not connect within {timeout.TotalSeconds:0.#} s (publication {(Outbound.IsConnected ? "connected" : "not connected")}, subscription {(Inbound.IsConnected ? "connected" : "not connected")})");
            }

            idle.Idle(DoWork());
        }
    }
}
