using RdmaStack.Failover;
using RdmaStack.Queues;
using RdmaStack.Transport.FaultInjection;

namespace RdmaStack.Tests.Failover;

/// <summary>
/// Plays a generated schedule against a <see cref="FailoverWriter"/> and a <see cref="FailoverReader"/> over
/// <see cref="FaultInjectedLinks"/> on a manual clock, checking at every delivery that it is the next sequence with its
/// own payload, then heals every link and checks that every accepted message arrived exactly once, in order.
/// </summary>
internal sealed class FailoverScheduleRunner : IDisposable
{
    private static readonly SegmentedQueueGeometry s_geometry = new(4, 4, 16); // small: laps and segment ends come often
    private const int ChecksumRetryLimit = 2;
    private readonly FaultInjectedLinks _links;
    private readonly List<FaultInjectedLinks> _replacements = [];
    private readonly LinkFaultSwitch[] _switches;
    private readonly FaultInjectingChannel[] _slots;
    private readonly List<long> _delivered = [];

    public FailoverScheduleRunner(int links, FailoverOptions? options = null)
    {
        Options = options ?? new FailoverOptions();
        _links = new FaultInjectedLinks(links, s_geometry, ChecksumRetryLimit, signalInterval: 2, maxHeld: 64);
        _switches = [.. _links.Switches];
        _slots = [.. _links.SlotChannels];
        Writer = new FailoverWriter(_links.Writers, Options, Clock);
        Reader = new FailoverReader(_links.Readers, Options, Clock);
    }

    public ManualClock Clock { get; } = new();

    public FailoverOptions Options { get; }

    public FailoverWriter Writer { get; }

    public FailoverReader Reader { get; }

    public long Sent { get; private set; }

    public void Apply(FailoverStep step)
    {
        int link = step.Link % Writer.LinkCount;
        switch (step.Kind)
        {
            case FailoverStepKind.Offer:
                for (int i = 0; i < step.Count && Offer(); i++)
                {
                }

                break;
            case FailoverStepKind.Poll:
                Poll(step.Count);
                break;
            case FailoverStepKind.Maintain:
                Clock.Advance(TimeSpan.FromMilliseconds(step.Count));
                Reader.Maintain();
                Writer.Maintain();
                break;
            case FailoverStepKind.Kill:
                _switches[link].Kill();
                break;
            case FailoverStepKind.Corrupt:
                _slots[link].CorruptNextWrite();
                break;
            case FailoverStepKind.Drop:
                _slots[link].DropNextWrite();
                break;
            case FailoverStepKind.Restore:
                Restore(link);
                break;
            case FailoverStepKind.Replace:
                Replace(link);
                break;
            case FailoverStepKind.DeviceErrorWriter:
                Writer.MarkFailed(link, LinkFailureCause.AsyncEvent, "schedule: device error on the writing side");
                break;
            case FailoverStepKind.DeviceErrorReader:
                Reader.MarkFailed(link, LinkFailureCause.AsyncEvent, "schedule: device error on the reading side");
                break;
        }
    }

    /// <summary>Repairs every link and puts back each failed one, pumping both ends, until everything accepted is
    /// delivered; then checks nothing was lost, nothing delivered twice, and the order kept.</summary>
    public void HealAndCheck()
    {
        for (int round = 0; round < 2_000 && Reader.Position < Sent; round++)
        {
            for (int link = 0; link < Writer.LinkCount; link++)
            {
                Restore(link);
            }

            Poll(int.MaxValue);
            Clock.Advance(TimeSpan.FromMilliseconds(5));
            Reader.Maintain();
            Writer.Maintain();
        }

        Assert.True(
            Reader.Position == Sent,
            $"lost: {Sent} accepted, the reader is at {Reader.Position} (writer {Writer.Status}, active {Writer.ActiveLink}, links {string.Join('/', Enumerable.Range(0, Writer.LinkCount).Select(Writer.GetLinkState))})");
        Assert.Equal(Sent, _delivered.Count);
        for (int i = 0; i < _delivered.Count; i++)
        {
            Assert.Equal(i + 1, _delivered[i]);
        }
    }

    public void Dispose()
    {
        Writer.Dispose();
        Reader.Dispose();
        _links.Dispose();
        foreach (FaultInjectedLinks replacement in _replacements)
        {
            replacement.Dispose();
        }
    }

    private bool Offer()
    {
        long status = Writer.Offer(FailoverGroup.Message(Sent + 1));
        if (status > 0)
        {
            Assert.Equal(Sent + 1, status);
            Sent++;
            return true;
        }

        Assert.True(QueueStatus.IsRetryable(status), $"offer {Sent + 1}: {QueueStatus.Describe(status)}");
        return false;
    }

    private void Poll(int limit)
    {
        var recorder = new Recorder(_delivered);
        Reader.Poll(ref recorder, limit);
    }

    /// <summary>The cable comes back; a link the writer has failed is put back on both ends (the failback pair of
    /// calls). A link the writer still holds healthy is left to the ends: if the reader found it broken (and stopped
    /// heartbeating on it), the writer learns so from the silence and fails it first. Restoring the reader's end of a
    /// link its writer never failed would make the reader forget a fault the writer never heard of (a report posted
    /// while the cable was down is lost), which the first version of this runner did and the property caught.</summary>
    private void Restore(int link)
    {
        _switches[link].Repair();
        if (Writer.GetLinkState(link) == LinkState.Failed)
        {
            Writer.Restore(link);
            Reader.Restore(link);
        }
    }

    private void Replace(int link)
    {
        if (Writer.GetLinkState(link) != LinkState.Failed)
        {
            return;
        }

        var fresh = new FaultInjectedLinks(1, s_geometry, ChecksumRetryLimit, signalInterval: 2, maxHeld: 64);
        _replacements.Add(fresh);
        Writer.ReplaceLink(link, fresh.Writers[0]);
        Reader.ReplaceLink(link, fresh.Readers[0]);
        _switches[link] = fresh.Switches[0];
        _slots[link] = fresh.SlotChannels[0];
    }

    /// <summary>Records each delivery, checking it is the next sequence and carries its own message.</summary>
    private readonly struct Recorder(List<long> delivered) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> payload, long sequence)
        {
            long expected = delivered.Count + 1;
            Assert.True(sequence == expected, sequence < expected ? $"sequence {sequence} delivered twice" : $"sequence {sequence} delivered while {expected} was expected (lost or reordered)");
            Assert.True(payload.SequenceEqual(FailoverGroup.Message(sequence)), $"payload of {sequence} is not its message");
            delivered.Add(sequence);
        }
    }
}
