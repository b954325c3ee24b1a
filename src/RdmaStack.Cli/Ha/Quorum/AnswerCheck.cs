using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Quorum;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>
/// The run's verdict on the answers: replays every input the replicator stamped, in sequence order, through a fresh
/// order book fed the external-call results the replicator handed the processors, and compares each agreed answer a
/// client received with the reference output of its sequence (and that sequence's input with the client's message).
/// </summary>
internal static class AnswerCheck
{
    public static AnswerCheckResult Run(string directory, int clients)
    {
        var inputs = new SortedDictionary<long, (long Timestamp, long ClientId, long ClientSequence, byte[] Payload)>();
        var reader = new RunRecords.Reader(File.ReadAllBytes(Path.Combine(directory, RunRecords.Inputs)));
        while (!reader.End)
        {
            long sequence = reader.Int64();
            inputs.Add(sequence, (reader.Int64(), reader.Int64(), reader.Int64(), reader.Bytes()));
        }

        var calls = new Dictionary<ExternalCallKey, (ExternalCallStatus Status, byte[] Response)>();
        reader = new RunRecords.Reader(File.ReadAllBytes(Path.Combine(directory, RunRecords.Calls)));
        while (!reader.End)
        {
            var key = new ExternalCallKey(reader.Int64(), reader.Int32());
            calls[key] = ((ExternalCallStatus)reader.Byte(), reader.Bytes());
        }

        string? gap = null;
        var reference = new Dictionary<long, byte[]>(inputs.Count);
        var engine = new OrderMatchingEngine();
        var recorded = new RecordedCalls(calls);
        byte[] output = new byte[1024];
        long expected = 1;
        foreach ((long sequence, (long timestamp, long clientId, long clientSequence, byte[] payload)) in inputs)
        {
            gap ??= sequence != expected ? FormattableString.Invariant($"the replicator's record jumps from sequence {expected - 1} to {sequence}") : null;
            expected = sequence + 1;
            recorded.Begin(sequence);
            int length = engine.Process(new StampedInput(sequence, timestamp, clientId, clientSequence, payload), recorded, output);
            reference.Add(sequence, output[..length]);
        }

        long checkedAnswers = 0;
        long wrong = 0;
        var firstWrong = new List<string>();
        for (long client = 1; client <= clients; client++)
        {
            string file = Path.Combine(directory, RunRecords.ClientFile(client));
            if (!File.Exists(file))
            {
                continue;
            }

            reader = new RunRecords.Reader(File.ReadAllBytes(file));
            while (!reader.End)
            {
                long clientSequence = reader.Int64();
                long sequence = reader.Int64();
                var status = (QuorumReplyStatus)reader.Byte();
                byte[] response = reader.Bytes();
                if (status != QuorumReplyStatus.Agreed)
                {
                    continue;
                }

                checkedAnswers++;
                bool right = inputs.TryGetValue(sequence, out var input) && input.ClientId == client && input.ClientSequence == clientSequence
                    && reference[sequence].AsSpan().SequenceEqual(response);
                if (!right)
                {
                    wrong++;
                    if (firstWrong.Count < 5)
                    {
                        firstWrong.Add(FormattableString.Invariant($"client {client} message {clientSequence}, sequence {sequence}"));
                    }
                }
            }
        }

        return new AnswerCheckResult(inputs.Count, calls.Count, checkedAnswers, wrong, firstWrong, gap);
    }

    /// <summary>The recorded call results by (sequence, call index); a call never resolved is a failure.</summary>
    private sealed class RecordedCalls(Dictionary<ExternalCallKey, (ExternalCallStatus Status, byte[] Response)> calls) : IExternalCalls
    {
        private long _sequence;
        private int _next;

        public void Begin(long sequence) => (_sequence, _next) = (sequence, 0);

        public ExternalCallResult Invoke(int service, ReadOnlySpan<byte> request, Span<byte> response)
        {
            if (!calls.TryGetValue(new ExternalCallKey(_sequence, _next++), out var call))
            {
                return ExternalCallResult.Failed;
            }

            call.Response.CopyTo(response);
            return new ExternalCallResult(call.Status, call.Response.Length);
        }
    }
}
