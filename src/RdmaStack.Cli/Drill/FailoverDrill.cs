using System.Diagnostics;
using System.Globalization;
using RdmaStack.Cli.Demo;
using RdmaStack.Failover;
using RdmaStack.Testing;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// A failover drill on the library's public API: a publication and a subscription of one stream over a fabric of
/// several shared-memory links, in one process, each driven by its own hot thread, while a
/// <see cref="FaultInjector"/> strikes the active link at seeded random moments (killed, a slot corrupted, a write
/// lost). The library detects each fault, fails the stream over to a standby, re-establishes the broken link (a new
/// handshake and new mappings) and makes it the new standby; the drill only schedules faults, checks that every
/// message arrives exactly once, in order, intact, and reports the times.
/// </summary>
internal static class FailoverDrill
{
    public static DrillReport Run(DrillOptions o, TextWriter progress)
    {
        var faults = new FaultInjector(o.Links);
        using var fabric = Fabric.Connect(faults.Attach(o.FabricOptions));
        string stream = "drill-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Subscription reader = fabric.AddSubscription(stream);
        Publication writer = fabric.AddPublication(stream);
        var schedule = Schedule.Create(o);
        var run = new DrillRun(o, faults, writer, reader, schedule);
        var clock = Stopwatch.StartNew();
        var writerThread = new Thread(run.Write) { IsBackground = true, Name = "drill writer" };
        var readerThread = new Thread(run.Read) { IsBackground = true, Name = "drill reader" };
        readerThread.Start();
        writerThread.Start();
        while (!readerThread.Join(1000))
        {
            progress.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  .. {reader.Position,13:N0} / {o.Count:N0} delivered, {writer.Failovers:N0} failovers, {run.Injected:N0} faults injected"));
        }

        run.Stop = true;
        writerThread.Join();
        DrillReport report = run.Report(clock.Elapsed.TotalSeconds);
        reader.Dispose();
        writer.Close(TimeSpan.FromSeconds(1));
        return report;
    }

    /// <summary>When each fault strikes (a message number) and what it is, drawn from the seed.</summary>
    private sealed record Schedule(long[] At, FaultKind[] Kinds)
    {
        public static Schedule Create(DrillOptions o)
        {
            var random = new Random(o.Seed);
            long spacing = Math.Max(1, o.Count / (o.Failures + 1));
            var at = new long[o.Failures];
            var kinds = new FaultKind[o.Failures];
            for (int i = 0; i < o.Failures; i++)
            {
                at[i] = ((i + 1) * spacing) + random.NextInt64(-spacing / 4, (spacing / 4) + 1);
                kinds[i] = o.Kinds[random.Next(o.Kinds.Count)];
            }

            return new Schedule(at, kinds);
        }
    }

    /// <summary>The state both threads share; each field has one writing thread.</summary>
    private sealed class DrillRun
    {
        private readonly DrillOptions _o;
        private readonly FaultInjector _faults;
        private readonly Publication _writer;
        private readonly Subscription _reader;
        private readonly Schedule _schedule;
        private readonly long[] _injectedAt;
        private readonly long[] _detectedAt;
        private readonly long[] _failoverEpoch;
        private readonly Dictionary<long, long> _switchAtByEpoch = [];
        private readonly long _stallTicks;
        private int _awaiting = -1;
        private readonly Dictionary<string, int> _unexpectedReasons = [];
        private long _unexpected;
        private long _restores;
        private StreamChecker _checker;
        private string? _error;

        public DrillRun(DrillOptions o, FaultInjector faults, Publication writer, Subscription reader, Schedule schedule)
        {
            _o = o;
            _faults = faults;
            _writer = writer;
            _reader = reader;
            _schedule = schedule;
            _injectedAt = new long[o.Failures];
            _detectedAt = new long[o.Failures];
            Array.Fill(_detectedAt, -1);
            _failoverEpoch = new long[o.Failures];
            _stallTicks = (long)(o.StallTimeout.TotalSeconds * Stopwatch.Frequency);
            _checker = new StreamChecker(o.Size, o.Count);
            writer.LinkConnected += (_, e) => _restores += e.Generation > 1 ? 1 : 0;
            writer.FailedOver += (_, e) =>
            {
                if (e.From < 0)
                {
                    return; // a link came up while none carried the stream (at the start): not a failover
                }

                if (_awaiting >= 0)
                {
                    _detectedAt[_awaiting] = e.DetectedAt;
                    _failoverEpoch[_awaiting] = e.Epoch;
                    _awaiting = -1;
                }
                else
                {
                    _unexpected++;
                    _unexpectedReasons[e.Reason] = _unexpectedReasons.GetValueOrDefault(e.Reason) + 1;
                }
            };
            // Switches are matched to failovers by the epoch both name: exact, whatever the timing.
            reader.SwitchedLink += (_, e) => _switchAtByEpoch[e.Epoch] = e.At;
        }

        public volatile bool Stop;

        private volatile bool _readerDone;

        public int Injected { get; private set; }

        public void Write()
        {
            try
            {
                HotThread.Pin("sender", _o.Cpus);
                WriteLoop();
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                _error = $"writer: {e.Message}";
                Stop = true;
            }
        }

        public void Read()
        {
            try
            {
                HotThread.Pin("receiver", _o.Cpus);
                ReadLoop();
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                _error = $"reader: {e.Message}";
            }
            finally
            {
                _readerDone = true;
            }
        }

        public DrillReport Report(double seconds)
        {
            DrillTimings timings = DrillTimings.Summarize(_injectedAt, _detectedAt, _failoverEpoch, _schedule.Kinds, Injected, _switchAtByEpoch);
            var injectedByKind = new Dictionary<FaultKind, int>();
            for (int i = 0; i < Injected; i++)
            {
                injectedByKind[_schedule.Kinds[i]] = injectedByKind.GetValueOrDefault(_schedule.Kinds[i]) + 1;
            }

            return new DrillReport
            {
                Options = _o,
                Delivered = _checker.Distinct,
                Lost = _checker.Lost,
                Duplicated = _checker.Duplicated,
                OutOfOrder = _checker.OutOfOrder,
                Corrupted = _checker.Corrupted,
                Injected = Injected,
                InjectedByKind = injectedByKind,
                Failovers = _writer.Failovers,
                UnexpectedFailovers = _unexpected,
                UnexpectedReasons = _unexpectedReasons,
                Restores = _restores,
                MessagesResent = _writer.MessagesResent,
                ReaderSwitches = _reader.Switches,
                FaultsReportedByReader = _reader.FaultsReported,
                Detection = timings.Detection,
                Switchover = timings.Switchover,
                Total = timings.Total,
                Seconds = seconds,
                Error = _error,
            };
        }

        private void WriteLoop()
        {
            byte[] message = new byte[_o.Size];
            long sequence = 1;
            long idleSince = 0;
            int iteration = 0;
            if (!_writer.WaitForConnection(_o.StallTimeout))
            {
                throw new InvalidOperationException($"the stream did not connect within {_o.StallTimeout.TotalSeconds:0.#} s");
            }

            while (!Stop && !(_readerDone && sequence > _o.Count))
            {
                // The stream waits at each fault's place until the fault is struck: the library needs a moment to
                // re-establish the last failed link, and the next fault waits for every link to be healthy.
                bool holding = Injected < _o.Failures && sequence >= _schedule.At[Injected];
                if (holding && _awaiting < 0 && AllLinksHealthy())
                {
                    Inject();
                    holding = false;
                }

                bool sent = false;
                // The clock is read only during a streak of refused offers, before each attempt.
                long attemptedAt = idleSince != 0 ? Stopwatch.GetTimestamp() : 0;
                if (sequence <= _o.Count && !holding)
                {
                    DemoPayload.Fill(message, sequence);
                    long status = _writer.Offer(message);
                    if (status > 0)
                    {
                        sequence++;
                        sent = true;
                        idleSince = 0;
                    }
                }

                if (!sent || (++iteration & 31) == 0)
                {
                    _writer.DoWork();
                }

                if (!sent)
                {
                    // attemptedAt was read before this failed offer: an offer made after the bound failed too.
                    if (sequence <= _o.Count && idleSince == 0)
                    {
                        idleSince = Stopwatch.GetTimestamp();
                    }
                    else if (sequence <= _o.Count && attemptedAt - idleSince > _stallTicks)
                    {
                        _error = $"writer stuck at message {sequence} for {_o.StallTimeout.TotalSeconds:0.#} s ({_writer.Status})";
                        Stop = true;
                    }

                    IdleStrategy.Pause();
                }
            }
        }

        private bool AllLinksHealthy()
        {
            if (_writer.Status != FailoverStatus.Active)
            {
                return false;
            }

            for (int i = 0; i < _o.Links; i++)
            {
                if (_writer.GetLinkState(i) == LinkState.Failed)
                {
                    return false;
                }
            }

            return true;
        }

        private void Inject()
        {
            int active = _writer.ActiveLink;
            int index = Injected;
            _awaiting = index;
            _injectedAt[index] = Stopwatch.GetTimestamp();
            switch (_schedule.Kinds[index])
            {
                case FaultKind.Kill:
                    _faults.Kill(active);
                    break;
                case FaultKind.Corrupt:
                    _faults.CorruptNextWrite(active);
                    break;
                case FaultKind.Drop:
                    _faults.DropNextWrite(active);
                    break;
            }

            Injected = index + 1;
        }

        private void ReadLoop()
        {
            long lastProgress = Stopwatch.GetTimestamp();
            while (_reader.Position < _o.Count && !Stop)
            {
                // The clock is read before polling: give up only when a poll made after the bound found nothing.
                long now = Stopwatch.GetTimestamp();
                int n = _reader.Poll(ref _checker, 4096);
                if (n == 0)
                {
                    _reader.DoWork();
                }

                if (n > 0)
                {
                    lastProgress = now;
                }
                else if (now - lastProgress > _stallTicks)
                {
                    _error = $"reader stuck at message {_reader.Position} for {_o.StallTimeout.TotalSeconds:0.#} s";
                    return;
                }
                else
                {
                    IdleStrategy.Pause();
                }
            }
        }
    }
}
