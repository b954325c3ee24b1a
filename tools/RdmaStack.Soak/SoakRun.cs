using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using RdmaStack.Queues;
using RdmaStack.Testing;
using RdmaStack.Threading;

namespace RdmaStack.Soak;

/// <summary>
/// One soak: a stream over two links of one fabric (shared memory, public API only), the publication and the
/// subscription each on its own thread, a fault every few seconds on the active link (killed, a slot corrupted, a write
/// lost, a device error on either side; killed and errored links are re-established by the library), and a sample of
/// the process every few seconds.
/// </summary>
internal sealed class SoakRun
{
    private const int MessageLength = 16;
    private readonly SoakOptions _options;
    private readonly TextWriter _console;
    private readonly string _stream = string.Create(CultureInfo.InvariantCulture, $"soak{Environment.ProcessId}x{Random.Shared.Next():x}");
    private readonly string _shmDirectory = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
    private readonly LongHistogram _latency = new(60_000_000_000, 3);
    private readonly Lock _latencyLock = new();
    private readonly FaultInjector _faults = new(2);
    private volatile bool _stopOffering;
    private volatile bool _stop;
    private long _sent;
    private long _delivered;
    private long _lost;
    private long _duplicated;
    private long _outOfOrder;
    private long _faultCount;
    private long _reconnections;
    private readonly int[] _forcedCollections = new int[3];
    private string? _threadError;

    public SoakRun(SoakOptions options, TextWriter console)
    {
        _options = options;
        _console = console;
    }

    public int Run()
    {
        var ic = CultureInfo.InvariantCulture;
        Directory.CreateDirectory(_options.Output);
        FabricOptions fabricOptions = _faults.Attach(new FabricOptions
        {
            Links = [new LinkOptions(), new LinkOptions()],
            Geometry = new SegmentedQueueGeometry(4, 256, MessageLength),
            // Generous detection bounds: the host is shared, and the faults here are found by the data path.
            HeartbeatTimeout = TimeSpan.FromMilliseconds(500),
            LostWriteTimeout = TimeSpan.FromMilliseconds(200),
        });
        _console.WriteLine(string.Create(ic, $"soak: stream '{_stream}' over 2 shared-memory links, {_options.Rate:N0} msg/s, a fault every {_options.FaultInterval.TotalSeconds:0.#} s, a sample every {_options.SampleInterval.TotalSeconds:0.#} s, for {_options.Duration.TotalMinutes:0.#} min"));
        var samples = new List<SoakSample>();
        long failovers = 0;
        var fabric = Fabric.Connect(fabricOptions);
        Subscription sub = fabric.AddSubscription(_stream);
        Publication pub = fabric.AddPublication(_stream);
        pub.LinkConnected += (_, e) =>
        {
            if (e.Generation > 1)
            {
                Interlocked.Increment(ref _reconnections);
            }
        };
        var subscriber = new Thread(() => Guard("subscription", () => Subscribe(sub))) { Name = "soak subscription", IsBackground = true };
        var publisher = new Thread(() => Guard("publication", () => Publish(pub))) { Name = "soak publication", IsBackground = true };
        subscriber.Start();
        publisher.Start();
        var clock = Stopwatch.StartNew();
        TimeSpan nextSample = _options.SampleInterval, nextFault = _options.FaultInterval;
        while (clock.Elapsed < _options.Duration && _threadError is null)
        {
            TimeSpan wait = (nextSample < nextFault ? nextSample : nextFault) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }

            if (clock.Elapsed >= nextFault)
            {
                nextFault += _options.FaultInterval;
                InjectFault(pub, sub);
            }

            if (clock.Elapsed >= nextSample)
            {
                nextSample += _options.SampleInterval;
                failovers = pub.Failovers;
                SoakSample s = Sample(clock.Elapsed.TotalSeconds, failovers);
                samples.Add(s);
                _console.WriteLine(string.Create(ic, $"  {s.Seconds,7:0} s  rss {s.RssBytes / 1048576.0,6:0.0} MiB  heap {s.ManagedHeapBytes / 1048576.0,5:0.0} MiB  fds {s.OpenDescriptors,3}  threads {s.Threads,3}  shm {s.ShmEntries,2}  gc {s.Gen0Collections}/{s.Gen1Collections}/{s.Gen2Collections}  delivered {s.Delivered,12:N0}  faults {s.Faults,4}  failovers {s.Failovers,4}  reconnected {s.Reconnections,4}  latency p50 {s.LatencyP50Us:0.0} p99 {s.LatencyP99Us:0.0} max {s.LatencyMaxUs:0.0} us"));
            }
        }

        // Stop offering, let everything sent arrive, then close (the publication flushes) and look for leftovers.
        _stopOffering = true;
        var drain = Stopwatch.StartNew();
        while (Interlocked.Read(ref _delivered) < Interlocked.Read(ref _sent) && drain.Elapsed < TimeSpan.FromSeconds(60) && _threadError is null)
        {
            Thread.Sleep(10);
        }

        _stop = true;
        subscriber.Join();
        publisher.Join();
        failovers = pub.Failovers;
        pub.Close(TimeSpan.FromSeconds(5));
        sub.Dispose();
        fabric.Dispose();
        int shmLeft = ProcessProbe.SharedMemoryEntries(_shmDirectory, _stream);
        long lost = _lost + (Interlocked.Read(ref _sent) - Interlocked.Read(ref _delivered));
        List<string> failures = SoakBounds.Check(samples, lost, _duplicated, _outOfOrder, shmLeft);
        if (_threadError is not null)
        {
            failures.Insert(0, _threadError);
        }

        SoakReport.Write(_options, samples, failures, new SoakTotals(_sent, _delivered, lost, _duplicated, _outOfOrder, _faultCount, failovers, _reconnections, shmLeft, clock.Elapsed.TotalSeconds), _console);
        return failures.Count == 0 ? 0 : 1;
    }

    private void Guard(string what, Action body)
    {
        try
        {
            body();
        }
        catch (Exception e)
        {
            _threadError = $"the {what} thread failed: {e}";
            _stopOffering = true;
            _stop = true;
        }
    }

    /// <summary>The publication's hot thread: offers at the asked rate (sequence and send time in each message), and
    /// keeps its housekeeping going while it waits.</summary>
    private void Publish(Publication pub)
    {
        Span<byte> message = stackalloc byte[MessageLength];
        long start = Stopwatch.GetTimestamp();
        double perTick = (double)_options.Rate / Stopwatch.Frequency;
        while (!_stop)
        {
            long due = _stopOffering ? _sent : (long)((Stopwatch.GetTimestamp() - start) * perTick);
            while (_sent < due && !_stop)
            {
                BinaryPrimitives.WriteInt64LittleEndian(message, _sent + 1);
                BinaryPrimitives.WriteInt64LittleEndian(message[8..], Stopwatch.GetTimestamp());
                long status = pub.Offer(message);
                if (status > 0)
                {
                    Interlocked.Increment(ref _sent);
                    continue;
                }

                if (!QueueStatus.IsRetryable(status))
                {
                    throw new InvalidOperationException($"offer {_sent + 1}: {QueueStatus.Describe(status)}");
                }

                pub.DoWork();
                Thread.Yield();
            }

            pub.DoWork();
            Thread.Sleep(1);
        }
    }

    private void Subscribe(Subscription sub)
    {
        var handler = new Checker(this);
        IIdleStrategy idle = IdleStrategy.Backoff();
        while (!_stop)
        {
            int n = sub.Poll(ref handler, 256);
            idle.Idle(n + sub.DoWork());
        }
    }

    private void InjectFault(Publication pub, Subscription sub)
    {
        int active = pub.ActiveLink;
        if (active < 0 || pub.GetLinkState(1 - active) == Failover.LinkState.Failed)
        {
            return; // a link is still being re-established: the next tick strikes
        }

        try
        {
            switch (_faultCount % 5)
            {
                case 0: _faults.Kill(active); break;
                case 1: _faults.CorruptNextWrite(active); break;
                case 2: _faults.DropNextWrite(active); break;
                case 3: FaultInjector.RaiseDeviceError(pub, active); break;
                default: FaultInjector.RaiseDeviceError(sub, active); break;
            }

            _faultCount++;
        }
        catch (InvalidOperationException)
        {
            // The link's current connection has carried no slot yet: strike at the next tick.
        }
    }

    private SoakSample Sample(double seconds, long failovers)
    {
        double p50, p99, p999, max;
        lock (_latencyLock)
        {
            bool any = _latency.TotalCount > 0;
            p50 = any ? _latency.GetValueAtPercentile(50) / 1000.0 : double.NaN;
            p99 = any ? _latency.GetValueAtPercentile(99) / 1000.0 : double.NaN;
            p999 = any ? _latency.GetValueAtPercentile(99.9) / 1000.0 : double.NaN;
            max = any ? _latency.GetMaxValue() / 1000.0 : double.NaN;
            _latency.Reset();
        }

        // The live heap: a full collection first (every sample, so the garbage of the re-established links is not
        // mistaken for growth); the collections counted below leave these forced ones out.
        int[] before = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        GC.Collect();
        long heap = GC.GetTotalMemory(forceFullCollection: false);
        for (int g = 0; g < 3; g++)
        {
            _forcedCollections[g] += GC.CollectionCount(g) - before[g];
        }

        return new SoakSample(
            seconds,
            ProcessProbe.ResidentBytes(),
            heap,
            ProcessProbe.OpenDescriptors(),
            ProcessProbe.Threads(),
            ProcessProbe.SharedMemoryEntries(_shmDirectory, _stream),
            GC.CollectionCount(0) - _forcedCollections[0],
            GC.CollectionCount(1) - _forcedCollections[1],
            GC.CollectionCount(2) - _forcedCollections[2],
            Interlocked.Read(ref _sent),
            Interlocked.Read(ref _delivered),
            Interlocked.Read(ref _faultCount),
            failovers,
            Interlocked.Read(ref _reconnections),
            p50,
            p99,
            p999,
            max);
    }

    /// <summary>Checks order and content and records the one-way latency (one process, one clock).</summary>
    private readonly struct Checker(SoakRun run) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            long now = Stopwatch.GetTimestamp();
            long expected = Interlocked.Read(ref run._delivered) + 1;
            long carried = payload.Length == MessageLength ? BinaryPrimitives.ReadInt64LittleEndian(payload) : -1;
            if (sequence < expected)
            {
                run._duplicated++;
                return;
            }

            if (sequence > expected)
            {
                run._lost += sequence - expected;
                run._outOfOrder++;
            }

            if (carried != sequence)
            {
                run._outOfOrder++;
            }

            Interlocked.Exchange(ref run._delivered, sequence);
            long nanoseconds = (long)((now - BinaryPrimitives.ReadInt64LittleEndian(payload[8..])) * 1e9 / Stopwatch.Frequency);
            lock (run._latencyLock)
            {
                run._latency.RecordValue(Math.Clamp(nanoseconds, 1, 60_000_000_000));
            }
        }
    }
}
