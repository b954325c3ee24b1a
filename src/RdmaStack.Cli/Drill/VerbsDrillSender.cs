using System.Diagnostics;
using System.Globalization;
using RdmaStack.Cli.Demo;
using RdmaStack.Failover;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// The sending process of the verbs drill, a user of the library's public API: a publication over a fabric of two verbs
/// links. The library connects the links, detects each failure (error completions, failed posts, the devices' port
/// errors, heartbeats), fails over, and re-establishes the failed link (waiting for its port, a fresh device context, a
/// new handshake and queue pairs) as the new standby. The drill only owns the schedule: once both links are healthy it
/// waits the seeded delay and takes the active link's interface down for real; once the link-down is detected it
/// brings the interface back up; and it reports what the library did.
/// </summary>
internal sealed class VerbsDrillSender
{
    private const int Links = 2;
    private readonly VerbsDrillOptions _o;
    private readonly string _name;
    private readonly TextWriter _progress;
    private readonly LinkDownSchedule _schedule;
    private readonly long[] _injectedAt;
    private readonly long[] _confirmedAt;
    private readonly int[] _victims;
    private readonly long[] _detectedAt;
    private readonly string?[] _detectedBy;
    private readonly long[] _failoverEpoch;
    private readonly long[] _upAt = new long[Links];
    private readonly bool[] _interfaceDown = new bool[Links];
    private readonly Dictionary<string, int> _unexpectedReasons = [];
    private readonly List<long> _reestablishTicks = [];
    private int _epochPending = -1;
    private volatile int _awaiting = -1;
    private volatile int _awaitingLink = -1;
    private volatile bool _faultsDone;
    private volatile string _state = "";
    private volatile bool _stop;
    private volatile string? _error;
    private volatile int _injected;
    private long _nextInjectAt;
    private long _detectionDeadline;
    private long _unexpected;
    private long _reestablished;

    public VerbsDrillSender(VerbsDrillOptions options, string name, TextWriter progress)
    {
        _o = options;
        _name = name;
        _progress = progress;
        _schedule = options.Schedule;
        int n = options.Drill.Failures;
        _injectedAt = new long[n];
        _confirmedAt = new long[n];
        _victims = new int[n];
        _detectedAt = new long[n];
        _detectedBy = new string?[n];
        _failoverEpoch = new long[n];
        Array.Fill(_detectedAt, -1);
        Array.Fill(_confirmedAt, -1);
    }

    public VerbsDrillSenderResult Run()
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        Publication? writer = null;
        using InterfaceControl interfaces = InterfaceControl.Start();
        try
        {
            using var fabric = Fabric.Connect(_o.FabricOptions(_o.SenderDevices));
            writer = fabric.AddPublication(_name);
            writer.LinkFailed += OnLinkFailed;
            writer.FailedOver += OnFailedOver;
            writer.LinkConnected += OnLinkConnected;
            if (!writer.WaitForConnection(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException("the receiver did not connect within 60 s");
            }

            var linkThread = new Thread(() => ManageLinks(interfaces)) { IsBackground = true, Name = "drill links" };
            linkThread.Start();
            try
            {
                sent = Stream(writer, interfaces);
            }
            finally
            {
                _stop = true;
                linkThread.Join();
            }

            CloseResult closed = writer.Close(TimeSpan.FromSeconds(10));
            if (!closed.Flushed)
            {
                _error ??= $"close: {closed}";
            }
        }
        catch (Exception e) when (e is TransportException or InvalidOperationException or IOException or TimeoutException or ArgumentException)
        {
            _error ??= $"sender: {e.Message}";
        }

        return new VerbsDrillSenderResult
        {
            Injected = _injected,
            InjectedAt = _injectedAt[.._injected],
            ConfirmedAt = _confirmedAt[.._injected],
            Links = _victims[.._injected],
            DetectedAt = _detectedAt[.._injected],
            DetectedBy = _detectedBy[.._injected],
            FailoverEpochs = _failoverEpoch[.._injected],
            Failovers = writer?.Failovers ?? 0,
            UnexpectedFailures = _unexpected,
            UnexpectedReasons = _unexpectedReasons,
            Reestablished = Interlocked.Read(ref _reestablished),
            ReestablishTicks = [.. _reestablishTicks],
            MessagesResent = writer?.MessagesResent ?? 0,
            Sent = sent,
            Seconds = clock.Elapsed.TotalSeconds,
            Error = _error,
        };
    }

    /// <summary>The hot loop: offers the stream (holding the last tenth back until every link-down is done), does the
    /// publication's housekeeping, injects the link-downs, and ends when the reader has acknowledged everything.</summary>
    private long Stream(Publication writer, InterfaceControl interfaces)
    {
        long count = _o.Drill.Count;
        long hold = count - (count / 10);
        long stallTicks = (long)(_o.Drill.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        byte[] message = new byte[_o.Drill.Size];
        long sequence = 1;
        long lastProgress = Stopwatch.GetTimestamp();
        long lastAcknowledged = 0;
        int iteration = 0;
        while (!_stop)
        {
            bool sent = false;
            long limit = _faultsDone ? count : hold;
            if (sequence <= limit)
            {
                DemoPayload.Fill(message, sequence);
                if (writer.Offer(message) > 0)
                {
                    sequence++;
                    sent = true;
                    lastProgress = Stopwatch.GetTimestamp();
                }
            }

            if (!sent || (++iteration & 31) == 0)
            {
                writer.DoWork();
                _state = string.Create(CultureInfo.InvariantCulture, $"writer {writer.Status}, links {writer.GetLinkState(0)}/{writer.GetLinkState(1)}, position {writer.Position}, acknowledged {writer.AcknowledgedPosition}");
                MaybeInject(writer, interfaces);
                long acknowledged = writer.AcknowledgedPosition;
                if (acknowledged != lastAcknowledged)
                {
                    lastAcknowledged = acknowledged;
                    lastProgress = Stopwatch.GetTimestamp();
                }

                if (sequence > count && acknowledged >= count)
                {
                    break;
                }

                if (Stopwatch.GetTimestamp() - lastProgress > stallTicks)
                {
                    _error ??= string.Create(CultureInfo.InvariantCulture, $"no progress for {_o.Drill.StallTimeout.TotalSeconds:0.#} s: sent {sequence - 1} of {count}, acknowledged {acknowledged} ({_state})");
                    break;
                }
            }

            if (!sent)
            {
                Thread.Yield(); // TCG: leave the library's threads and `ip` their share of the two vCPUs
            }
        }

        return sequence - 1;
    }

    /// <summary>On the hot thread: the library declared a link failed.</summary>
    private void OnLinkFailed(object? sender, LinkFailure e)
    {
        int awaiting = _awaiting;
        if (awaiting >= 0 && e.Link == _awaitingLink)
        {
            _detectedAt[awaiting] = e.DetectedAt;
            _detectedBy[awaiting] = $"{e.Cause}: {e.Reason}";
            _epochPending = awaiting;
            _awaiting = -1;
            return;
        }

        _unexpected++;
        string key = $"{e.Cause}: {e.Reason}";
        lock (_unexpectedReasons)
        {
            _unexpectedReasons[key] = _unexpectedReasons.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>On the hot thread, right after the failure of the active link: the epoch the reader's switch will name.</summary>
    private void OnFailedOver(object? sender, FailoverEvent e)
    {
        if (e.From >= 0 && _epochPending >= 0)
        {
            _failoverEpoch[_epochPending] = e.Epoch;
            _epochPending = -1;
        }
    }

    /// <summary>On the hot thread: the library put a re-established link in place.</summary>
    private void OnLinkConnected(object? sender, LinkConnected e)
    {
        long up = Volatile.Read(ref _upAt[e.Link]);
        if (e.Generation > 1 && up != 0)
        {
            lock (_reestablishTicks)
            {
                _reestablishTicks.Add(Stopwatch.GetTimestamp() - up);
            }

            Volatile.Write(ref _upAt[e.Link], 0);
            Interlocked.Increment(ref _reestablished);
            _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  .. link {e.Link} re-established by the library in {Stopwatch.GetElapsedTime(up).TotalMilliseconds:0} ms after `ip link set up` (connection {e.Generation}: {e.Description})"));
        }
    }

    /// <summary>On the hot thread, where the stream's state is exact: once every link is healthy and the last
    /// link-down was detected, wait the seeded delay, then take the active link down. Handing `link set NAME down` to
    /// the running `ip` is one short pipe write, so the hot thread does not block on it.</summary>
    private void MaybeInject(Publication writer, InterfaceControl interfaces)
    {
        int index = _injected;
        if (index >= _o.Drill.Failures)
        {
            _faultsDone = _awaiting < 0;
            return;
        }

        bool healthy = _awaiting < 0 && writer.Status == FailoverStatus.Active
            && writer.GetLinkState(0) != LinkState.Failed && writer.GetLinkState(1) != LinkState.Failed
            && !Volatile.Read(ref _interfaceDown[0]) && !Volatile.Read(ref _interfaceDown[1]);
        long now = Stopwatch.GetTimestamp();
        if (!healthy)
        {
            _nextInjectAt = 0;
            return;
        }

        if (_nextInjectAt == 0)
        {
            _nextInjectAt = now + (long)(_schedule.Delays[index].TotalSeconds * Stopwatch.Frequency);
            return;
        }

        if (now < _nextInjectAt)
        {
            return;
        }

        int link = writer.ActiveLink;
        _victims[index] = link;
        _awaitingLink = link;
        _awaiting = index;
        Volatile.Write(ref _detectionDeadline, now + (10 * Stopwatch.Frequency));
        Volatile.Write(ref _interfaceDown[link], true);
        _injectedAt[index] = interfaces.Down(_o.Interfaces[link]);
        _nextInjectAt = 0;
        _injected = index + 1;
    }

    /// <summary>The drill's own thread: confirms and reports each link-down, watches for its detection, and brings the
    /// interface back up once the link-down was detected; re-establishing the link is the library's work.</summary>
    private void ManageLinks(InterfaceControl interfaces)
    {
        int confirmed = 0;
        int restored = 0;
        while (!_stop)
        {
            if (confirmed < _injected)
            {
                int index = confirmed++;
                string name = _o.Interfaces[_victims[index]];
                _confirmedAt[index] = InterfaceControl.WaitFor(name, down: true, TimeSpan.FromSeconds(2));
                _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  .. link-down {index + 1}/{_o.Drill.Failures}: ip link set {name} down (link {_victims[index]}, was active; {_state})"));
            }

            if (restored < confirmed && _awaiting != restored)
            {
                int index = restored++;
                int link = _victims[index];
                string how = _detectedAt[index] < 0 ? "not detected" : string.Create(CultureInfo.InvariantCulture, $"detected after {(_detectedAt[index] - _injectedAt[index]) * 1000.0 / Stopwatch.Frequency:0.0} ms: {_detectedBy[index]}");
                _progress.WriteLine($"  .. link-down {index + 1}: {how}");
                BringUp(interfaces, link);
            }

            if (_awaiting >= 0 && Stopwatch.GetTimestamp() > Volatile.Read(ref _detectionDeadline))
            {
                _error ??= $"link {_awaitingLink} went down ({_o.Interfaces[_awaitingLink]}) and the library did not declare it failed within 10 s ({_state})";
                _stop = true;
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>Lets the port notice the link-down first (rxe reports it about 0.2 s later, real NICs sooner), then
    /// takes the interface up again.</summary>
    private void BringUp(InterfaceControl interfaces, int link)
    {
        string device = _o.SenderDevices[link];
        long deadline = Environment.TickCount64 + 2000;
        while (InterfaceControl.PortState(device)?.Contains("ACTIVE", StringComparison.Ordinal) == true && Environment.TickCount64 < deadline && !_stop)
        {
            Thread.Sleep(5);
        }

        Volatile.Write(ref _upAt[link], interfaces.Up(_o.Interfaces[link]));
        Volatile.Write(ref _interfaceDown[link], false);
    }
}
