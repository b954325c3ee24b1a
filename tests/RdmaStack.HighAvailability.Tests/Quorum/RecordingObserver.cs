using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Quorum;

namespace RdmaStack.HighAvailability.Tests.Quorum;

/// <summary>Keeps what the replicator reports (stamped inputs, resolved calls, decisions, processor events); any thread reads.</summary>
internal sealed class RecordingObserver : IQuorumObserver
{
    private readonly Lock _lock = new();
    private readonly List<(long Sequence, long Timestamp, long ClientId, long ClientSequence, byte[] Payload)> _inputs = [];
    private readonly Dictionary<ExternalCallKey, (ExternalCallStatus Status, byte[] Response)> _calls = [];
    private readonly Dictionary<long, (QuorumDecision Decision, byte[] Answer)> _decisions = [];
    private readonly List<QuorumProcessorEvent> _events = [];

    public void OnStamped(StampedInput input)
    {
        lock (_lock)
        {
            _inputs.Add((input.Sequence, input.Timestamp, input.ClientId, input.ClientSequence, input.Payload.ToArray()));
        }
    }

    public void OnCallResolved(ExternalCallKey key, int service, ExternalCallResult result, ReadOnlySpan<byte> response)
    {
        lock (_lock)
        {
            Assert.True(_calls.TryAdd(key, (result.Status, response.ToArray())), $"call {key} resolved twice");
        }
    }

    public void OnDecided(in QuorumDecision decision, ReadOnlySpan<byte> answer)
    {
        lock (_lock)
        {
            Assert.True(_decisions.TryAdd(decision.Sequence, (decision, answer.ToArray())), $"sequence {decision.Sequence} decided twice");
        }
    }

    public void OnProcessorEvent(QuorumProcessorEvent processorEvent)
    {
        lock (_lock)
        {
            _events.Add(processorEvent);
        }
    }

    public List<QuorumProcessorEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public List<QuorumProcessorEvent> EventsOf(int processor, QuorumProcessorEventKind kind) =>
        Events.Where(e => e.Processor == processor && e.Kind == kind).ToList();

    /// <summary>
    /// Replays every stamped input, in sequence order, through a fresh order book fed the call results the replicator
    /// handed the processors: the output a correct processor produced for each sequence.
    /// </summary>
    public Dictionary<long, byte[]> ReferenceOutputs(Func<IDeterministicEngine> engine)
    {
        lock (_lock)
        {
            IDeterministicEngine reference = engine();
            var calls = new RecordedCalls(_calls);
            var outputs = new Dictionary<long, byte[]>();
            byte[] output = new byte[1024];
            foreach ((long sequence, long timestamp, long clientId, long clientSequence, byte[] payload) in _inputs.OrderBy(i => i.Sequence))
            {
                calls.Begin(sequence);
                int length = reference.Process(new StampedInput(sequence, timestamp, clientId, clientSequence, payload), calls, output);
                outputs.Add(sequence, output[..length]);
            }

            return outputs;
        }
    }

    /// <summary>The recorded results, by (sequence, call index); a call never resolved is a failure.</summary>
    private sealed class RecordedCalls(Dictionary<ExternalCallKey, (ExternalCallStatus Status, byte[] Response)> calls) : IExternalCalls
    {
        private long _sequence;
        private int _next;

        public void Begin(long sequence) => (_sequence, _next) = (sequence, 0);

        public ExternalCallResult Invoke(int service, ReadOnlySpan<byte> request, Span<byte> response)
        {
            if (!calls.TryGetValue(new ExternalCallKey(_sequence, _next++), out (ExternalCallStatus Status, byte[] Response) call))
            {
                return ExternalCallResult.Failed;
            }

            call.Response.CopyTo(response);
            return new ExternalCallResult(call.Status, call.Response.Length);
        }
    }
}
