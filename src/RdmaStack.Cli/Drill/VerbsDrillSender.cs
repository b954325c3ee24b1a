using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using RdmaStack.Cli.Demo;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Testing;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// The sending side of the two-process drill, a user of the library's public API: a publication over a fabric of two
/// links. The library connects the links, detects each failure (error completions, failed posts, the devices' port
/// errors, heartbeats), fails over, and re-establishes the failed link (waiting for its port, a fresh device context, a
/// new handshake and queue pairs) as the new standby. The drill only owns the schedule: once both links are healthy it
/// waits the seeded delay and takes the active link down for real (<see cref="ILinkControl"/>); once the link-down is
/// detected it brings the link back up; and it reports what the library did. The data stream's first message is the
/// plan (the count of data messages, see <see cref="DrillNumbers"/>). Across two hosts the receiver's verdict comes
/// back on a second stream, which this side reads once its own stream is acknowledged.
/// </summary>
internal sealed class VerbsDrillSender
{
    /// <summary>Appended to the drill's stream name for the verdict stream (receiver to sender, two hosts).</summary>
    public const string VerdictSuffix = ".verdict";

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
    private readonly bool[] _linkDown = new bool[Links];
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
    private int _linkCommands;

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

    /// <summary>How long the sender waits for the receiver to connect (a two-host client started before its server
    /// keeps dialling for as long).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    public VerbsDrillSenderResult Run()
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        long[]? verdict = null;
        Publication? writer = null;
        ILinkControl? links = null;
        FaultInjector? faults = _o.Provider == ProviderKind.SharedMemory ? new FaultInjector(Links) : null;
        try
        {
            HotThread.Pin("sender", _o.Drill.Cpus);
            links = _o.CreateLinkControl(faults);
            FabricOptions options = _o.FabricOptions(_o.SenderDevices);
            using var fabric = Fabric.Connect(faults?.Attach(options) ?? options);
            writer = fabric.AddPublication(_name);
            using Subscription? verdicts = _o.TwoHost is null ? null : fabric.AddSubscription(_name + VerdictSuffix);
            writer.LinkFailed += OnLinkFailed;
            writer.FailedOver += OnFailedOver;
            writer.LinkConnected += OnLinkConnected;
            WaitConnected(writer, verdicts);
            ILinkControl control = links;
            var linkThread = new Thread(() => ManageLinks(control)) { IsBackground = true, Name = "drill links" };
            linkThread.Start();
            try
            {
                sent = Stream(writer, verdicts, links);
            }
            finally
            {
                _stop = true;
                linkThread.Join();
            }

            if (verdicts is not null && _error is null)
            {
                verdict = ReceiveVerdict(writer, verdicts);
                verdicts.Dispose(); // acknowledges the verdict at once
            }

            CloseResult closed = writer.Close(TimeSpan.FromSeconds(10));
            if (!closed.Flushed)
            {
                _error ??= $"close: {closed}";
            }
        }
        catch (Exception e) when (e is TransportException or InvalidOperationException or IOException or TimeoutException or ArgumentException or Win32Exception)
        {
            _error ??= $"sender: {e.Message}";
        }
        finally
        {
            try
            {
                links?.Dispose();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or Win32Exception)
            {
                _error ??= $"restoring the links: {e.Message}";
            }
        }

        return new VerbsDrillSenderResult
        {
            Injected = _injected,
            InjectedAt = _injectedAt[.._injected],
            ConfirmedAt = _confirmedAt[.._injected],
            ConfirmedBy = links?.ConfirmationMeaning ?? "",
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
            Verdict = verdict,
            Seconds = clock.Elapsed.TotalSeconds,
            Error = _error,
        };
    }

    /// <summary>Drives both streams until they are connected (the verdict stream too: a receiver that cannot answer
    /// is found out before the stream, not after it).</summary>
    private static void WaitConnected(Publication writer, Subscription? verdicts)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(ConnectTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!writer.IsConnected || verdicts is { IsConnected: false })
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                // "Couldn't connect" is perftest's wording, which scripts that retry a client started too early look for.
                throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Couldn't connect: the receiver did not connect within {ConnectTimeout.TotalSeconds:0} s (data stream {(writer.IsConnected ? "connected" : "not connected")}{(verdicts is null ? "" : $", verdict stream {(verdicts.IsConnected ? "connected" : "not connected")}")})"));
            }

            if (writer.DoWork() + (verdicts?.DoWork() ?? 0) == 0)
            {
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>The hot loop: offers the plan, then the stream (holding the last tenth back until every link-down is
    /// done), does the streams' housekeeping, injects the link-downs, and ends when the reader has acknowledged
    /// everything.</summary>
    /// <returns>The data messages sent.</returns>
    private long Stream(Publication writer, Subscription? verdicts, ILinkControl links)
    {
        long count = _o.Drill.Count;
        long hold = count - (count / 10);
        long stallTicks = (long)(_o.Drill.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        long goneTicks = (long)(_o.Drill.GoneTimeout.TotalSeconds * Stopwatch.Frequency);
        long disconnectedSince = 0;
        byte[] message = new byte[_o.Drill.Size];
        long sequence = 1;
        long lastProgress = Stopwatch.GetTimestamp();
        long lastAcknowledged = 0;
        int iteration = 0;
        bool planned = false;
        while (!_stop)
        {
            bool sent = false;
            long limit = _faultsDone ? count : hold;
            if (!planned)
            {
                long status = DrillNumbers.Offer(writer, count);
                planned = status > 0;
                if (status < 0 && !QueueStatus.IsRetryable(status))
                {
                    throw new InvalidOperationException($"the plan could not be sent: {QueueStatus.Describe(status)}");
                }
            }
            else if (sequence <= limit)
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
                verdicts?.DoWork();
                _state = string.Create(CultureInfo.InvariantCulture, $"writer {writer.Status}, links {writer.GetLinkState(0)}/{writer.GetLinkState(1)}, position {writer.Position}, acknowledged {writer.AcknowledgedPosition}");
                MaybeInject(writer, links);
                long acknowledged = writer.AcknowledgedPosition;
                if (acknowledged != lastAcknowledged)
                {
                    lastAcknowledged = acknowledged;
                    lastProgress = Stopwatch.GetTimestamp();
                }

                if (sequence > count && acknowledged > count) // the plan and every data message
                {
                    break;
                }

                long now = Stopwatch.GetTimestamp();
                if (Volatile.Read(ref _linkCommands) > 0)
                {
                    // A link command is running: the links are the operator's until it returns (a guest kernel once held
                    // `ip link set down` for 34 s, hw-lab/softroce/README.md), so both bounds start again from its end.
                    disconnectedSince = 0;
                    lastProgress = now;
                }

                disconnectedSince = writer.IsConnected ? 0 : disconnectedSince == 0 ? now : disconnectedSince;
                if (disconnectedSince != 0 && now - disconnectedSince > goneTicks)
                {
                    _error ??= string.Create(CultureInfo.InvariantCulture, $"the receiver is gone: no link connected for {_o.Drill.GoneTimeout.TotalSeconds:0.#} s ({_state})");
                    break;
                }

                if (now - lastProgress > stallTicks)
                {
                    _error ??= string.Create(CultureInfo.InvariantCulture, $"no progress for {_o.Drill.StallTimeout.TotalSeconds:0.#} s: sent {sequence - 1} of {count}, acknowledged {acknowledged} ({_state})");
                    break;
                }
            }

            if (!sent)
            {
                Thread.Yield(); // TCG: leave the library's threads and the link commands their share of the two vCPUs
            }
        }

        return sequence - 1;
    }

    /// <summary>Across two hosts, after the stream: reads the receiver's verdict (keeping the data stream's
    /// housekeeping going), within the stall timeout.</summary>
    /// <returns>The verdict's figures.</returns>
    /// <exception cref="TimeoutException">It did not come in time.</exception>
    /// <exception cref="InvalidOperationException">A message of it was not one number.</exception>
    private long[] ReceiveVerdict(Publication writer, Subscription verdicts)
    {
        var reader = new DrillNumberReader(DrillVerdict.Figures);
        long deadline = Stopwatch.GetTimestamp() + (long)(_o.Drill.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!reader.IsComplete)
        {
            if (verdicts.Poll(ref reader, DrillVerdict.Figures) > 0)
            {
                continue;
            }

            if (reader.Malformed > 0)
            {
                throw new InvalidOperationException("the receiver's verdict is malformed (a message is not one 8-byte number)");
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"the receiver's verdict did not come within {_o.Drill.StallTimeout.TotalSeconds:0.#} s ({reader.Count} of {DrillVerdict.Figures} figures)"));
            }

            if (writer.DoWork() + verdicts.DoWork() == 0)
            {
                Thread.Sleep(1);
            }
        }

        return reader.Values.ToArray();
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
            _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  .. link {e.Link} re-established by the library in {Stopwatch.GetElapsedTime(up).TotalMilliseconds:0} ms after the link-up (connection {e.Generation}: {e.Description})"));
        }
    }

    /// <summary>On the hot thread, where the stream's state is exact: once every link is healthy and the last
    /// link-down was detected, wait the seeded delay, then take the active link down. The control only starts the
    /// change (one pipe write to the running `ip`, or starting the operator's command), so the hot thread hardly
    /// blocks on it.</summary>
    private void MaybeInject(Publication writer, ILinkControl links)
    {
        int index = _injected;
        if (index >= _o.Drill.Failures)
        {
            _faultsDone = _awaiting < 0;
            return;
        }

        bool healthy = _awaiting < 0 && writer.Status == FailoverStatus.Active
            && writer.GetLinkState(0) != LinkState.Failed && writer.GetLinkState(1) != LinkState.Failed
            && !Volatile.Read(ref _linkDown[0]) && !Volatile.Read(ref _linkDown[1]);
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
        Volatile.Write(ref _linkDown[link], true);
        Interlocked.Increment(ref _linkCommands); // until ConfirmDown returns
        _injectedAt[index] = links.Down(link);
        _nextInjectAt = 0;
        _injected = index + 1;
    }

    /// <summary>The drill's own thread: confirms and reports each link-down, watches for its detection, and brings the
    /// link back up once the link-down was detected; re-establishing the link is the library's work. A link command
    /// that fails stops the drill with its message.</summary>
    private void ManageLinks(ILinkControl links)
    {
        try
        {
            ManageLinksLoop(links);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Win32Exception)
        {
            _error ??= $"link control: {e.Message}";
            _stop = true;
        }
    }

    private void ManageLinksLoop(ILinkControl links)
    {
        int confirmed = 0;
        int restored = 0;
        while (!_stop)
        {
            if (confirmed < _injected)
            {
                int index = confirmed++;
                int link = _victims[index];
                try
                {
                    _confirmedAt[index] = links.ConfirmDown(link);
                }
                finally
                {
                    Interlocked.Decrement(ref _linkCommands);
                }

                _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  .. link-down {index + 1}/{_o.Drill.Failures}: {links.DescribeDown(link)} (link {link}, was active; {_state})"));
            }

            if (restored < confirmed && _awaiting != restored)
            {
                int index = restored++;
                int link = _victims[index];
                string how = _detectedAt[index] < 0 ? "not detected" : string.Create(CultureInfo.InvariantCulture, $"detected after {(_detectedAt[index] - _injectedAt[index]) * 1000.0 / Stopwatch.Frequency:0.0} ms: {_detectedBy[index]}");
                _progress.WriteLine($"  .. link-down {index + 1}: {how}");
                BringUp(links, link);
            }

            if (_awaiting >= 0 && Stopwatch.GetTimestamp() > Volatile.Read(ref _detectionDeadline))
            {
                _error ??= $"link {_awaitingLink} went down ({links.DescribeDown(_awaitingLink)}) and the library did not declare it failed within 10 s ({_state})";
                _stop = true;
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>Lets the port notice the link-down first (rxe reports it about 0.2 s later, real NICs sooner; over
    /// shared memory there is no port), then brings the link up again.</summary>
    private void BringUp(ILinkControl links, int link)
    {
        if (_o.Provider == ProviderKind.Verbs)
        {
            string device = _o.SenderDevices[link];
            long deadline = Environment.TickCount64 + 2000;
            while (InterfaceControl.PortState(device, _o.IbPort)?.Contains("ACTIVE", StringComparison.Ordinal) == true && Environment.TickCount64 < deadline && !_stop)
            {
                Thread.Sleep(5);
            }
        }

        Interlocked.Increment(ref _linkCommands);
        try
        {
            Volatile.Write(ref _upAt[link], links.Up(link));
        }
        finally
        {
            Interlocked.Decrement(ref _linkCommands);
        }

        Volatile.Write(ref _linkDown[link], false);
    }
}
