using System.Buffers;
using System.Diagnostics;
using HdrHistogram;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Quorum;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// The replicator process's observer: records every stamped input and resolved call for the answer check, the latency
/// of every agreed sequence (stamped to decided: to the quorum; stamped to the first response: the fastest single
/// processor), and the processor events. Runs on the replicator's thread.
/// </summary>
internal sealed class ReplicatorRecorder : IQuorumObserver
{
    private readonly double _nsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly Lock _lock = new();
    private readonly List<string> _events = [];
    private int _ejections;
    private int _admissions;

    public ArrayBufferWriter<byte> Inputs { get; } = new(1 << 20);

    public ArrayBufferWriter<byte> Calls { get; } = new(1 << 16);

    /// <summary>Nanoseconds from stamp to quorum, per agreed sequence.</summary>
    public LongHistogram ToQuorum { get; } = new(60_000_000_000L, 3);

    /// <summary>Nanoseconds from stamp to the first voter's response, per agreed sequence.</summary>
    public LongHistogram ToFastest { get; } = new(60_000_000_000L, 3);

    /// <summary>Processor events, as sentences (any thread).</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public int EjectionEvents => Volatile.Read(ref _ejections);

    public int AdmissionEvents => Volatile.Read(ref _admissions);

    public void OnStamped(StampedInput input)
    {
        RunRecords.Int64(Inputs, input.Sequence);
        RunRecords.Int64(Inputs, input.Timestamp);
        RunRecords.Int64(Inputs, input.ClientId);
        RunRecords.Int64(Inputs, input.ClientSequence);
        RunRecords.Bytes(Inputs, input.Payload);
    }

    public void OnCallResolved(ExternalCallKey key, int service, ExternalCallResult result, ReadOnlySpan<byte> response)
    {
        RunRecords.Int64(Calls, key.Sequence);
        RunRecords.Int32(Calls, key.CallIndex);
        RunRecords.Byte(Calls, (byte)result.Status);
        RunRecords.Bytes(Calls, response);
    }

    public void OnDecided(in QuorumDecision decision, ReadOnlySpan<byte> answer)
    {
        if (decision.Status != QuorumReplyStatus.Agreed)
        {
            return;
        }

        ToQuorum.RecordValue(Math.Max(1, (long)((decision.DecidedAt - decision.StampedAt) * _nsPerTick)));
        ToFastest.RecordValue(Math.Max(1, (long)((decision.FirstResponseAt - decision.StampedAt) * _nsPerTick)));
    }

    public void OnProcessorEvent(QuorumProcessorEvent processorEvent)
    {
        if (processorEvent.Kind == QuorumProcessorEventKind.Ejected)
        {
            Interlocked.Increment(ref _ejections);
        }
        else if (processorEvent.Kind == QuorumProcessorEventKind.Admitted)
        {
            Interlocked.Increment(ref _admissions);
        }

        if (processorEvent.Kind == QuorumProcessorEventKind.Dissented)
        {
            return; // counted by the replicator; one line each would drown the report
        }

        lock (_lock)
        {
            _events.Add(processorEvent.Detail);
        }
    }
}
