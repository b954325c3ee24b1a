using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using RdmaStack.Cli.Demo;
using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Transport;
using RdmaStack.Transport.Handshake;
using RdmaStack.Providers.Verbs;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// The receiving process of the verbs drill: one acceptor thread per link keeps a listener on 127.0.0.1
/// and answers every (re-)connection of that link (a fresh device context once the port is active, then
/// <see cref="VerbsProvider.Connect"/>); the hot thread reads through a <see cref="FailoverReader"/>, checks
/// every message with the demo's <see cref="StreamChecker"/>, and puts each re-established reader in place
/// with <see cref="FailoverReader.ReplaceLink"/> on its own thread.
/// </summary>
internal sealed class VerbsDrillReceiver
{
    private const int Links = 2;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private readonly VerbsDrillOptions _o;
    private readonly string _name;
    private readonly LinkHandover<SegmentedQueueReader> _handover = new(Links);
    private readonly (VerbsDeviceContext Device, VerbsQueueSet Queues)?[] _current = new (VerbsDeviceContext, VerbsQueueSet)?[Links];
    private readonly List<(VerbsDeviceContext Device, VerbsQueueSet Queues)> _leftovers = [];
    private readonly List<long> _switchAt = [];
    private readonly List<long> _switchEpochs = [];
    private volatile bool _stop;
    private volatile string? _error;
    private long _asyncEvents;
    private long _reestablished;

    public VerbsDrillReceiver(VerbsDrillOptions options, string name)
    {
        _o = options;
        _name = name;
    }

    public VerbsDrillReceiverResult Run()
    {
        var clock = Stopwatch.StartNew();
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        var acceptors = new Thread[Links];
        var listeners = new TcpListener[Links];
        var checker = new StreamChecker(_o.Drill.Size, _o.Drill.Count);
        FailoverReader? reader = null;
        try
        {
            for (int i = 0; i < Links; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
                VerbsDrillEndpoints.Publish(VerbsDrillEndpoints.FilePath(_name, i), listeners[i], secret);
                int link = i;
                acceptors[i] = new Thread(() => Accept(link, listeners[link], secret)) { IsBackground = true, Name = $"drill accept {i}" };
                acceptors[i].Start();
            }

            var first = new SegmentedQueueReader[Links];
            long deadline = Environment.TickCount64 + (long)ConnectTimeout.TotalMilliseconds;
            for (int i = 0; i < Links; i++)
            {
                int generation;
                while (!_handover.TryTake(i, out first[i], out generation))
                {
                    if (Environment.TickCount64 > deadline || _stop)
                    {
                        throw new TransportException($"receiver: link {i} was not connected within {ConnectTimeout.TotalSeconds:0} s");
                    }

                    Thread.Sleep(5);
                }

                _handover.Installed(i, generation);
            }

            reader = new FailoverReader(first, _o.Drill.Failover);
            reader.SwitchedLink += (_, e) =>
            {
                _switchAt.Add(e.At);
                _switchEpochs.Add(e.Epoch);
            };
            Read(reader, ref checker);
        }
        catch (Exception e) when (e is TransportException or InvalidOperationException or IOException or SocketException)
        {
            _error ??= e.Message;
        }
        finally
        {
            _stop = true;
            foreach (Thread? t in acceptors)
            {
                t?.Join();
            }

            foreach (TcpListener? l in listeners)
            {
                l?.Stop();
            }

            _handover.DisposeUntaken();
            reader?.Dispose();
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

        return new VerbsDrillReceiverResult
        {
            Delivered = checker.Distinct,
            Lost = checker.Lost,
            Duplicated = checker.Duplicated,
            OutOfOrder = checker.OutOfOrder,
            Corrupted = checker.Corrupted,
            SwitchAt = [.. _switchAt],
            SwitchEpochs = [.. _switchEpochs],
            Switches = reader?.Switches ?? 0,
            FaultsReported = reader?.FaultsReported ?? 0,
            Reestablished = Interlocked.Read(ref _reestablished),
            AsyncEvents = Interlocked.Read(ref _asyncEvents),
            Seconds = clock.Elapsed.TotalSeconds,
            Error = _error,
        };
    }

    /// <summary>The hot loop; after the last message it keeps heartbeats and head going until the sender has
    /// gone (its heartbeats stop on every link) so the writer learns that everything arrived.</summary>
    private void Read(FailoverReader reader, ref StreamChecker checker)
    {
        long stallTicks = (long)(_o.Drill.StallTimeout.TotalSeconds * Stopwatch.Frequency);
        long lastProgress = Stopwatch.GetTimestamp();
        int iteration = 0;
        while (reader.Position < _o.Drill.Count && !_stop)
        {
            int n = reader.Poll(ref checker, 4096);
            if (n == 0 || (++iteration & 31) == 0)
            {
                reader.Maintain();
                TakeReestablished(reader);
            }

            if (n > 0)
            {
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetTimestamp() - lastProgress > stallTicks)
            {
                _error ??= string.Create(CultureInfo.InvariantCulture, $"reader stuck at message {reader.Position} for {_o.Drill.StallTimeout.TotalSeconds:0.#} s");
                return;
            }
            else
            {
                Thread.Yield();
            }
        }

        // The head goes back once per finished segment; the last one may be partial: publish it now.
        reader.GetLink(reader.ActiveLink).PublishHead();
        long lingerEnd = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (!_stop && Stopwatch.GetTimestamp() < lingerEnd && (reader.IsWriterAlive(0) || reader.IsWriterAlive(1)))
        {
            reader.Maintain();
            TakeReestablished(reader);
            Thread.Sleep(1);
        }
    }

    private void TakeReestablished(FailoverReader reader)
    {
        for (int i = 0; i < Links; i++)
        {
            if (_handover.TryTake(i, out SegmentedQueueReader fresh, out int generation))
            {
                reader.ReplaceLink(i, fresh);
                _handover.Installed(i, generation);
            }
        }
    }

    /// <summary>The acceptor of one link: every connection the sender makes to it becomes the link's next generation.</summary>
    private void Accept(int link, TcpListener listener, byte[] secret)
    {
        int generation = 0;
        try
        {
            while (!_stop)
            {
                if (!listener.Pending())
                {
                    Thread.Sleep(2); // poll, so the stop flag is seen; the handshake itself gets the full timeout
                    continue;
                }

                (VerbsDeviceContext Device, VerbsQueueSet Queues) fresh;
                try
                {
                    using ConnectionHandshake handshake = ConnectionHandshake.Accept(listener, secret, ConnectTimeout);
                    VerbsDeviceContext device = VerbsDrillEndpoints.OpenWhenActive(_o.ReceiverDevices[link], ConnectTimeout, () => _stop);
                    try
                    {
                        fresh = (device, VerbsProvider.Connect(device, handshake, _o.Drill.Geometry, [QueueEndpointRole.Reader], _o.Connection));
                    }
                    catch
                    {
                        device.Dispose();
                        throw;
                    }
                }
                catch (TransportException e) when (!_stop)
                {
                    // The sender sees its side fail too (or its new link fails at once) and connects again.
                    Console.Out.WriteLine($"  .. link {link}: a re-connection failed ({e.Message}); waiting for the next");
                    continue;
                }

                generation++;
                fresh.Device.AsyncEventReceived += (_, _) => Interlocked.Increment(ref _asyncEvents);
                _handover.Post(link, fresh.Queues.Readers[0], generation);
                if (!_handover.WaitTaken(link, generation, TimeSpan.FromSeconds(60), () => _stop))
                {
                    _leftovers.Add(fresh);
                    continue;
                }

                (VerbsDeviceContext Device, VerbsQueueSet Queues)? old = _current[link];
                _current[link] = fresh;
                old?.Queues.Dispose();
                old?.Device.Dispose();
                if (generation > 1)
                {
                    Interlocked.Increment(ref _reestablished);
                }
            }
        }
        catch (Exception e) when (e is TransportException or InvalidOperationException or IOException or SocketException)
        {
            if (!_stop)
            {
                _error ??= $"receiver link {link}: {e.Message}";
                _stop = true;
            }
        }
    }
}
