using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using RdmaStack.Cli.Perf;
using RdmaStack.HighAvailability.Replication;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Samples.OrderMatching;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Ha;

/// <summary>
/// One client process of the HA demo (`rdmastack ha client`). Its hot thread waits for a primary's announcement
/// (<c>connected</c>), then (with --latency-orders) sends orders one at a time and times each reply (a
/// <c>latency-progress</c> event every <see cref="ProgressEvery"/> orders, <c>latency-done</c> after the last),
/// then waits for "stream": orders at a
/// steady rate with a window of them in flight, until "drain", after which it waits for every reply, writes its log
/// (each request and reply, for the demo's audit) and prints its result. Each time replies start coming from another
/// server, or under a new primary term, it prints <c>reply-from server=S at=T</c> (T: the Stopwatch time of the first
/// such reply).
/// </summary>
internal sealed class HaClientHost : IReplyHandler
{
    /// <summary>The timed orders (warm-up included) between two <c>latency-progress</c> events.</summary>
    public const int ProgressEvery = 50;

    private readonly HaClientOptions _options;
    private readonly ClientLog _log = new();
    private readonly OrderGenerator _orders;
    private readonly ConcurrentQueue<string> _events = new();
    private readonly long[] _latencies;
    private readonly byte[] _request = new byte[OrderRequests.MaxLength];
    private ReplicaClient _client = null!;
    private long _answered;
    private long _sentAt;
    private long _lastLatency;
    private int _lastServer = -1;
    private long _lastReplyTerm;
    private int _pending;
    private long _term;

    private HaClientHost(HaClientOptions options)
    {
        _options = options;
        _orders = new OrderGenerator(options.Seed);
        _latencies = new long[options.LatencyOrders];
    }

    public static int Run(HaClientOptions o, TextWriter console)
    {
        var fabrics = new List<Fabric>();
        try
        {
            for (int server = 0; server < o.Servers; server++)
            {
                // Over shared memory one fabric reaches both servers; over verbs each server is behind another device.
                fabrics.Add(server > 0 && !o.Settings.IsVerbs ? fabrics[0] : Fabric.Connect(o.Settings.ClientFabric(server)));
            }

            var service = new ReplicaServiceOptions { Name = o.Service, Servers = o.Servers, Directory = o.Directory };
            var host = new HaClientHost(o);
            using ReplicaClient client = ReplicaClient.Create(fabrics, service, o.Client, HaSettings.Client(o.Window));
            host._client = client;
            return host.Run(console);
        }
        finally
        {
            foreach (Fabric fabric in fabrics.Distinct())
            {
                fabric.Dispose();
            }
        }
    }

    public void OnReply(long clientSequence, ReplyStatus status, long recordSequence, ReadOnlySpan<byte> output)
    {
        long now = Stopwatch.GetTimestamp();
        _log.Reply(clientSequence, status, recordSequence, output);
        _answered++;
        _lastLatency = now - _sentAt;
        if (status != ReplyStatus.Processed)
        {
            return;
        }

        _orders.OnReply(output);
        // Each first reply after a change of server or of primary term: a client that had its last reply from the
        // server promoted now (before a false promotion swapped the roles and back) must still tell its first reply.
        if (_client.ReplyServer != _lastServer || _client.PrimaryTerm != _lastReplyTerm)
        {
            _lastServer = _client.ReplyServer;
            _lastReplyTerm = _client.PrimaryTerm;
            _events.Enqueue(HaEvent.Format("reply-from", ("server", _lastServer), ("at", now), ("sequence", clientSequence)));
        }
    }

    private int Run(TextWriter console)
    {
        HaControl control = HaControl.Listen(Console.In);
        string? error = null;
        var hot = new Thread(() => error = Drive(control)) { Name = "client", IsBackground = true };
        console.WriteLine(HaEvent.Format("ready", ("client", _options.Client), ("pid", Environment.ProcessId)));
        console.Flush();
        hot.Start();
        while (hot.IsAlive)
        {
            Print(console);
            Thread.Sleep(1);
        }

        Print(console);
        _log.WriteTo(_options.Log);
        PerfSizeResult latency = _latencies.Length > 0 ? LatencyStatistics.Summarize(_latencies, 1) : new PerfSizeResult();
        var result = new HaClientResult
        {
            Client = _options.Client,
            Submitted = _log.Count,
            Answered = _answered,
            Resends = _client.Resends,
            ServerSwitches = _client.ServerSwitches,
            PrimaryTerm = _client.PrimaryTerm,
            LatencyOrders = _latencies.Length,
            LatencyP50Ns = latency.TTypicalNs,
            LatencyP99Ns = latency.P99Ns,
            LatencyP999Ns = latency.P999Ns,
            LatencyMaxNs = latency.TMaxNs,
            LatencyMeanNs = latency.TAvgNs,
            Error = error,
        };
        console.WriteLine(HaServerHost.ResultPrefix + JsonSerializer.Serialize(result, HaJsonContext.Default.HaClientResult));
        console.Flush();
        return error is null ? 0 : 1;
    }

    private void Print(TextWriter console)
    {
        while (_events.TryDequeue(out string? line))
        {
            console.WriteLine(line);
        }

        console.Flush();
    }

    /// <summary>The hot thread: every phase; returns an error, or null.</summary>
    private string? Drive(HaControl control)
    {
        IIdleStrategy idle = _options.Settings.NewIdleStrategy();
        long deadline = Stopwatch.GetTimestamp() + Ticks(_options.StepTimeout);
        while (_client.PrimaryTerm == 0)
        {
            if (Stopwatch.GetTimestamp() > deadline || control.Has("stop"))
            {
                return "no primary announced itself";
            }

            idle.Idle(PollOnce());
        }

        _events.Enqueue(HaEvent.Format("connected", ("term", _client.PrimaryTerm), ("server", _client.CurrentServer)));
        int warmup = _options.LatencyOrders > 0 ? _options.Warmup : 0;
        for (int i = 0; i < warmup + _options.LatencyOrders; i++)
        {
            long before = _answered;
            _sentAt = Stopwatch.GetTimestamp();
            if (!TrySubmit())
            {
                return "the client's window is full in the latency phase";
            }

            idle.Reset();
            deadline = _sentAt + Ticks(_options.StepTimeout);
            while (_answered == before)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    return $"order {_log.Count} of the latency phase was not answered within {_options.StepTimeout.TotalSeconds:0} s";
                }

                idle.Idle(PollOnce());
            }

            if (i >= warmup)
            {
                _latencies[i - warmup] = _lastLatency;
            }

            if ((i + 1) % ProgressEvery == 0)
            {
                _events.Enqueue(HaEvent.Format("latency-progress", ("orders", i + 1), ("resends", _client.Resends), ("switches", _client.ServerSwitches)));
            }
        }

        if (_options.LatencyOrders > 0)
        {
            _events.Enqueue(HaEvent.Format("latency-done", ("orders", _options.LatencyOrders)));
        }

        while (!control.Has("stream") && !control.Has("drain"))
        {
            idle.Idle(PollOnce());
        }

        long period = Stopwatch.Frequency / Math.Max(1, _options.Rate);
        long due = Stopwatch.GetTimestamp();
        while (!control.Has("drain"))
        {
            int work = PollOnce();
            long now = Stopwatch.GetTimestamp();
            if (now >= due && _client.Unanswered < _options.Window && TrySubmit())
            {
                due = Math.Max(due + period, now - (period * _options.Window)); // no burst after a stall beyond one window
                work++;
            }

            idle.Idle(work);
        }

        deadline = Stopwatch.GetTimestamp() + Ticks(_options.StepTimeout);
        while (_client.Unanswered > 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return $"{_client.Unanswered} orders still unanswered {_options.StepTimeout.TotalSeconds:0} s after the drain began";
            }

            idle.Idle(PollOnce());
        }

        _events.Enqueue(HaEvent.Format("drained", ("orders", _log.Count)));
        return null;
    }

    /// <summary>One poll of the client; notes when a server announced a new primary term (the event says when the
    /// client learnt of a promotion, between the promotion and the first reply).</summary>
    private int PollOnce()
    {
        HaClientHost handler = this;
        int work = _client.Poll(ref handler);
        if (_client.PrimaryTerm != _term)
        {
            _term = _client.PrimaryTerm;
            _events.Enqueue(HaEvent.Format("primary-term", ("term", _term), ("server", _client.CurrentServer), ("at", Stopwatch.GetTimestamp())));
        }

        return work;
    }

    /// <summary>Submits the next order (or the one the full window refused last time).</summary>
    private bool TrySubmit()
    {
        if (_pending == 0)
        {
            _pending = _orders.Next(_request);
        }

        long sequence = _client.Submit(_request.AsSpan(0, _pending));
        if (sequence == 0)
        {
            return false; // an old request is still unanswered: the window cannot move
        }

        _log.Request(sequence, _request.AsSpan(0, _pending));
        _pending = 0;
        return true;
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
