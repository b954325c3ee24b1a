using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Testing;
using RdmaStack.Tests.Failover;

namespace RdmaStack.Tests.Fabric;

/// <summary>
/// Plays a generated schedule against a publication and a subscription of one fabric (the public API, shared memory,
/// links the library connects and re-establishes itself) with <see cref="FaultInjector"/>, then pumps until every
/// accepted message arrived, and checks each arrived once, in order, intact.
/// </summary>
internal sealed class FabricScheduleRunner : IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);
    private readonly RdmaStack.Fabric _fabric;
    private readonly FaultInjector _faults;
    private readonly StreamPair _pair;
    private readonly byte[] _message = new byte[24];
    private StreamCheck _check;
    private long _sent;

    public FabricScheduleRunner(int links)
    {
        _faults = new FaultInjector(links);
        _fabric = RdmaStack.Fabric.Connect(_faults.Attach(new FabricOptions
        {
            Links = [.. Enumerable.Range(0, links).Select(_ => new LinkOptions())],
            Geometry = new SegmentedQueueGeometry(4, 8, 24),
            // The faults are found by the data path; a lost write by its bound, kept short here so a dropped write
            // costs little. A loaded host may still trip the heartbeat: that is one more failover, never a loss.
            HeartbeatTimeout = TimeSpan.FromSeconds(2),
            LostWriteTimeout = TimeSpan.FromMilliseconds(100),
        }));
        _pair = StreamPair.Open(_fabric);
        _pair.WaitAllLinksUp();
    }

    public void Apply(FailoverStep step)
    {
        Publication pub = _pair.Publication;
        int link = step.Link % pub.LinkCount;
        int active = pub.ActiveLink;
        switch (step.Kind)
        {
            case FailoverStepKind.Offer:
                for (int i = 0; i < step.Count && Offer(); i++)
                {
                }

                break;
            case FailoverStepKind.Poll:
                for (int i = 0; i < step.Count; i++)
                {
                    Pump(step.Count);
                }

                break;
            case FailoverStepKind.Maintain:
                Thread.Sleep(step.Count / 4);
                Pump(0);
                break;
            case FailoverStepKind.Kill:
                _faults.Kill(link);
                break;
            case FailoverStepKind.Corrupt when active >= 0:
                _faults.CorruptNextWrite(active);
                break;
            case FailoverStepKind.Drop when active >= 0:
                _faults.DropNextWrite(active);
                break;
            case FailoverStepKind.DeviceErrorWriter:
                FaultInjector.RaiseDeviceError(pub, link);
                break;
            case FailoverStepKind.DeviceErrorReader:
                FaultInjector.RaiseDeviceError(_pair.Subscription, link);
                break;
        }
    }

    /// <summary>Pumps until everything accepted arrived (the library re-establishes what was killed), then checks it.</summary>
    public void DrainAndCheck()
    {
        long deadline = Environment.TickCount64 + (long)DrainTimeout.TotalMilliseconds;
        while (_check.Count < _sent)
        {
            Assert.True(Environment.TickCount64 < deadline, $"lost: {_sent} accepted, {_check.Count} delivered after {DrainTimeout.TotalSeconds} s: {_pair.State()}");
            if (Pump(256) == 0)
            {
                Thread.Yield();
            }
        }

        Assert.Equal(0, _check.Wrong);
        Assert.Equal(_sent, _check.Count);
    }

    public void Dispose() => _fabric.Dispose();

    private bool Offer()
    {
        StreamCheck.Fill(_message, _sent + 1);
        long status = _pair.Publication.Offer(_message);
        if (status > 0)
        {
            Assert.Equal(_sent + 1, status);
            _sent++;
            return true;
        }

        Assert.True(QueueStatus.IsRetryable(status), $"offer {_sent + 1}: {QueueStatus.Describe(status)}");
        _pair.Publication.DoWork();
        return false;
    }

    private int Pump(int limit)
    {
        int work = limit > 0 ? _pair.Subscription.Poll(ref _check, limit) : 0;
        return work + _pair.Subscription.DoWork() + _pair.Publication.DoWork();
    }
}
