using System.Diagnostics;
using System.Globalization;
using RdmaStack.Cli.Demo;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;
using RdmaStack.Providers.Verbs;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// The sending process of the verbs drill. The hot thread streams over a <see cref="FailoverWriter"/> of two
/// links and never blocks; a link thread owns the schedule: after the seeded wait it takes the active link's
/// interface down for real, and it re-establishes every failed link (interface up, a fresh device context, a
/// new handshake and <see cref="VerbsProvider.Connect"/>), handing the new writer to the hot thread, which puts
/// it in place with <see cref="FailoverWriter.ReplaceLink"/>. Port errors and fatal queue pair or device events
/// of a link's current connection reach the hot thread as flags and mark the link failed there.
/// </summary>
internal sealed class VerbsDrillSender
{
    private const int Links = 2;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private readonly VerbsDrillOptions _o;
    private readonly string _name;
    private readonly TextWriter _progress;
    private readonly LinkHandover<SegmentedQueueWriter> _handover = new(Links);
    private readonly LinkDownSchedule _schedule;
    private readonly long[] _injectedAt;
    private readonly long[] _confirmedAt;
    private readonly int[] _victims;
    private readonly long[] _detectedAt;
    private readonly string?[] _detectedBy;
    private readonly long[] _failoverEpoch;
    private int _epochPending = -1;
    private readonly Dictionary<string, int> _unexpectedReasons = [];
    private readonly List<long> _reestablishTicks = [];
    private readonly int[] _linkStates = new int[Links];
    private readonly int[] _eventGeneration = new int[Links];
    private readonly string?[] _eventReason = new string?[Links];
    private readonly int[] _hotGeneration = new int[Links];
    private readonly int[] _builtGeneration = [1, 1];
    private readonly (VerbsDeviceContext Device, VerbsQueueSet Queues)?[] _current = new (VerbsDeviceContext, VerbsQueueSet)?[Links];
    private volatile int _activeLink;
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
    private long _asyncEvents;
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
        FailoverWriter? writer = null;
        using InterfaceControl interfaces = InterfaceControl.Start();
        try
        {
            var writers = new SegmentedQueueWriter[Links];
            for (int i = 0; i < Links; i++)
            {
                _current[i] = Connect(i, 1);
                writers[i] = _current[i]!.Value.Queues.Writers[0];
                _hotGeneration[i] = 1;
            }

            writer = new FailoverWriter(writers, _o.Drill.Failover);
            writer.LinkFailed += OnLinkFailed;
            writer.FailedOver += (_, e) =>
            {
                // Raised right after LinkFailed for the active link: the epoch the reader's switch will name.
                if (_epochPending >= 0)
                {
                    _failoverEpoch[_epochPending] = e.Epoch;
                    _epochPending = -1;
                }
            };
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
        }
        catch (Exception e) when (e is TransportException or InvalidOperationException or IOException)
        {
            _error ??= $"sender: {e.Message}";
        }
        finally
        {
            _stop = true;
            _handover.DisposeUntaken();
            writer?.Dispose();
            foreach ((VerbsDeviceContext Device, VerbsQueueSet Queues)? c in _current)
            {
                c?.Queues.Dispose();
                c?.Device.Dispose();
            }

            foreach ((VerbsDeviceContext device, VerbsQueueSet queues) in _leftovers)
            {
                queues.Dispose();
                device.Dispose();
            }
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
            AsyncEvents = Interlocked.Read(ref _asyncEvents),
            Seconds = clock.Elapsed.TotalSeconds,
            Error = _error,
        };
    }

    /// <summary>The hot loop: offers the stream (holding the last tenth back until every link-down is done),
    /// maintains the group, takes re-established writers, turns async-event flags into MarkFailed, and ends
    /// when the reader has acknowledged everything.</summary>
    private long Stream(FailoverWriter writer, InterfaceControl interfaces)
    {
        long count = _o.Drill.Count;
        long hold = count - (count / 10);
        long stallTicks = (long)(_o.Drill.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        byte[] message = new byte[_o.Drill.Size];
        long sequence = 1;
        long lastProgress = Stopwatch.GetTimestamp();
        long lastAcknowledged = 0;
        int iteration = 0;
        PublishStates(writer);
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
                writer.Maintain();
                TakeReestablished(writer);
                CheckEvents(writer);
                PublishStates(writer);
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

                if (sequence > count && Stopwatch.GetTimestamp() - lastProgress > stallTicks)
                {
                    _error ??= string.Create(CultureInfo.InvariantCulture, $"the reader acknowledged {acknowledged} of {count} messages and nothing more for {_o.Drill.StallTimeout.TotalSeconds:0.#} s");
                    break;
                }

                if (!sent && sequence <= limit && Stopwatch.GetTimestamp() - lastProgress > stallTicks)
                {
                    _error ??= string.Create(CultureInfo.InvariantCulture, $"writer stuck at message {sequence} for {_o.Drill.StallTimeout.TotalSeconds:0.#} s ({writer.Status}, links {writer.GetLinkState(0)}/{writer.GetLinkState(1)})");
                    break;
                }
            }

            if (!sent)
            {
                Thread.Yield(); // TCG: leave the link thread and `ip` their share of the two vCPUs
            }
        }

        return sequence - 1;
    }

    private void TakeReestablished(FailoverWriter writer)
    {
        for (int i = 0; i < Links; i++)
        {
            if (_handover.TryTake(i, out SegmentedQueueWriter fresh, out int generation))
            {
                writer.ReplaceLink(i, fresh);
                _hotGeneration[i] = generation;
                _handover.Installed(i, generation);
            }
        }
    }

    private void CheckEvents(FailoverWriter writer)
    {
        for (int i = 0; i < Links; i++)
        {
            if (Volatile.Read(ref _eventGeneration[i]) == _hotGeneration[i] && writer.GetLinkState(i) != LinkState.Failed)
            {
                writer.MarkFailed(i, Volatile.Read(ref _eventReason[i]) ?? "async event");
            }
        }
    }

    private void PublishStates(FailoverWriter writer)
    {
        for (int i = 0; i < Links; i++)
        {
            Volatile.Write(ref _linkStates[i], (int)writer.GetLinkState(i));
        }

        _activeLink = writer.ActiveLink;
        _state = string.Create(CultureInfo.InvariantCulture, $"writer {writer.Status}, links {writer.GetLinkState(0)}/{writer.GetLinkState(1)}, position {writer.Position}, acknowledged {writer.AcknowledgedPosition}");
    }

    /// <summary>On the hot thread: the writer declared a link failed.</summary>
    private void OnLinkFailed(object? sender, LinkFailure e)
    {
        int awaiting = _awaiting;
        if (awaiting >= 0 && e.Link == _awaitingLink)
        {
            _detectedAt[awaiting] = e.DetectedAt;
            _detectedBy[awaiting] = e.Reason;
            _epochPending = awaiting;
            _awaiting = -1;
            return;
        }

        _unexpected++;
        lock (_unexpectedReasons)
        {
            _unexpectedReasons[e.Reason] = _unexpectedReasons.GetValueOrDefault(e.Reason) + 1;
        }
    }

    /// <summary>On the hot thread, where the group's state is exact: once every link is healthy and the last
    /// link-down was detected, wait the seeded delay, then take the active link down. Handing `link set NAME down`
    /// to the running `ip` is one short pipe write, so the hot thread does not block on it.</summary>
    private void MaybeInject(FailoverWriter writer, InterfaceControl interfaces)
    {
        int index = _injected;
        if (index >= _o.Drill.Failures)
        {
            _faultsDone = _awaiting < 0;
            return;
        }

        bool healthy = _awaiting < 0 && writer.Status == FailoverStatus.Active
            && writer.GetLinkState(0) != LinkState.Failed && writer.GetLinkState(1) != LinkState.Failed;
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
        _injectedAt[index] = interfaces.Down(_o.Interfaces[link]);
        _nextInjectAt = 0;
        _injected = index + 1;
    }

    /// <summary>The link thread: confirms and reports each link-down, watches for its detection, and
    /// re-establishes failed links.</summary>
    private void ManageLinks(InterfaceControl interfaces)
    {
        try
        {
            int confirmed = 0;
            int reported = 0;
            while (!_stop)
            {
                if (confirmed < _injected)
                {
                    int index = confirmed++;
                    string name = _o.Interfaces[_victims[index]];
                    _confirmedAt[index] = InterfaceControl.WaitFor(name, down: true, TimeSpan.FromSeconds(2));
                    _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  .. link-down {index + 1}/{_o.Drill.Failures}: ip link set {name} down (link {_victims[index]}, was active; {_state})"));
                }

                if (reported < confirmed && _awaiting != reported)
                {
                    int index = reported++;
                    string how = _detectedAt[index] < 0 ? "not detected" : string.Create(CultureInfo.InvariantCulture, $"detected after {(_detectedAt[index] - _injectedAt[index]) * 1000.0 / Stopwatch.Frequency:0.0} ms: {_detectedBy[index]}");
                    _progress.WriteLine($"  .. link-down {index + 1}: {how}");
                }

                if (_awaiting >= 0)
                {
                    if (Stopwatch.GetTimestamp() > Volatile.Read(ref _detectionDeadline))
                    {
                        _error ??= $"link {_awaitingLink} went down ({_o.Interfaces[_awaitingLink]}) and the writer did not declare it failed within 10 s ({_state})";
                        _stop = true;
                    }
                }
                else
                {
                    for (int i = 0; i < Links; i++)
                    {
                        if (Volatile.Read(ref _linkStates[i]) == (int)LinkState.Failed)
                        {
                            Reestablish(i, interfaces);
                        }
                    }
                }

                Thread.Sleep(1);
            }
        }
        catch (Exception e) when (e is TransportException or InvalidOperationException or IOException)
        {
            _error ??= $"sender link thread: {e.Message}";
            _stop = true;
        }
    }

    /// <summary>Brings the failed link back: its interface up if it is down, a fresh device context once the port
    /// is active, a new connection to the receiver, then the new writer to the hot thread.</summary>
    private void Reestablish(int link, InterfaceControl interfaces)
    {
        string name = _o.Interfaces[link];
        string device = _o.SenderDevices[link];
        long start = Stopwatch.GetTimestamp();
        if (!InterfaceControl.IsUp(name))
        {
            // Let the port notice the link-down first (rxe reports it about 0.2 s later), so the new connection
            // is not made on a port that is about to go down.
            long deadline = Environment.TickCount64 + 2000;
            while (VerbsDrillEndpoints.PortState(device)?.Contains("ACTIVE", StringComparison.Ordinal) == true && Environment.TickCount64 < deadline)
            {
                Thread.Sleep(5);
            }

            start = interfaces.Up(name);
        }

        int generation = ++_builtGeneration[link];
        (VerbsDeviceContext Device, VerbsQueueSet Queues) fresh;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                fresh = Connect(link, generation);
                break;
            }
            catch (TransportException e) when (attempt < 3 && !_stop)
            {
                _progress.WriteLine($"  .. link {link}: re-connection attempt {attempt} failed ({e.Message}); trying again");
                Thread.Sleep(100);
            }
        }

        _handover.Post(link, fresh.Queues.Writers[0], generation);
        if (!_handover.WaitTaken(link, generation, TimeSpan.FromSeconds(10), () => _stop))
        {
            _leftovers.Add(fresh);
            if (!_stop)
            {
                _error ??= $"the hot thread did not take re-established link {link} within 10 s";
                _stop = true;
            }

            return;
        }

        // The hot thread disposed the old writer in ReplaceLink; the rest of the old connection goes now.
        (VerbsDeviceContext Device, VerbsQueueSet Queues)? old = _current[link];
        _current[link] = fresh;
        old?.Queues.Dispose();
        old?.Device.Dispose();
        lock (_reestablishTicks)
        {
            _reestablishTicks.Add(Stopwatch.GetTimestamp() - start);
        }

        Interlocked.Increment(ref _reestablished);
        _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  .. link {link} re-established in {(Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency:0} ms ({_state})"));
        while (Volatile.Read(ref _linkStates[link]) == (int)LinkState.Failed && !_stop)
        {
            Thread.Sleep(1); // until the hot thread has published the link as a standby
        }
    }

    /// <summary>Connects link <paramref name="link"/> (generation <paramref name="generation"/>) on a fresh device
    /// context and wires the context's async events to that generation.</summary>
    private (VerbsDeviceContext Device, VerbsQueueSet Queues) Connect(int link, int generation)
    {
        VerbsDeviceContext device = VerbsDrillEndpoints.OpenWhenActive(_o.SenderDevices[link], ConnectTimeout, () => _stop);
        VerbsQueueSet queues;
        try
        {
            using ConnectionHandshake handshake = VerbsDrillEndpoints.Dial(VerbsDrillEndpoints.FilePath(_name, link), ConnectTimeout);
            queues = VerbsProvider.Connect(device, handshake, _o.Drill.Geometry, [QueueEndpointRole.Writer], _o.Connection);
        }
        catch
        {
            device.Dispose();
            throw;
        }

        string deviceName = device.DeviceName;
        device.AsyncEventReceived += (_, e) =>
        {
            Interlocked.Increment(ref _asyncEvents);
            if (e.Code is VerbsAsyncEvent.PortError or VerbsAsyncEvent.QueuePairFatal or VerbsAsyncEvent.DeviceFatal)
            {
                Volatile.Write(ref _eventReason[link], $"async event on {deviceName}: {e.Name}");
                Volatile.Write(ref _eventGeneration[link], generation);
            }
        };
        return (device, queues);
    }

    /// <summary>Connections handed over but never taken (the run stopped meanwhile); disposed at the end.</summary>
    private readonly List<(VerbsDeviceContext Device, VerbsQueueSet Queues)> _leftovers = [];
}
