using System.Globalization;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>External calls: executed once when a quorum of processors asks with identical requests.</summary>
public sealed partial class QuorumReplicator
{
    private const ulong CallDigestSeed = 0xCA11;

    private void OnCallRequest(ProcessorSlot slot, long sequence, int index, int service, ReadOnlySpan<byte> request)
    {
        if (!slot.VotesOn(sequence))
        {
            return;
        }

        if (sequence != slot.ExpectedResponse || sequence >= slot.NextSend || sequence < _oldest || (uint)index >= (uint)_options.MaxCallsPerInput)
        {
            Violation(slot, string.Create(CultureInfo.InvariantCulture,
                $"an external-call request ({sequence}, {index}) while it was to process sequence {slot.ExpectedResponse} (at most {_options.MaxCallsPerInput} calls per input)"));
            return;
        }

        LogEntry entry = Entry(sequence);
        CallVote call = entry.Calls[index];
        if (call.HasAsked(slot.Index))
        {
            Violation(slot, string.Create(CultureInfo.InvariantCulture, $"a second request for external call ({sequence}, {index})"));
            return;
        }

        var digest = new DigestBuilder(CallDigestSeed);
        digest.Add(service);
        digest.Add(request);
        call.Ask(slot.Index, digest.Value);
        if (call.Resolved)
        {
            if (call.Executed && call.ResolvedDigest != digest.Value)
            {
                Dissent(slot, sequence, string.Create(CultureInfo.InvariantCulture, $"its request for external call {index} differs from the quorum's"));
            }

            return;
        }

        if (entry.Decided)
        {
            // Only a processor that went its own way asks for a call the quorum never made: refuse it.
            ResolveCall(entry, index, service, ExternalCallResult.Failed, 0, executed: false);
            return;
        }

        EvaluateCall(entry, index, service, request, digest.Value);
    }

    /// <summary>
    /// Executes call <paramref name="index"/> of <paramref name="entry"/> once a quorum of voters asked for it with
    /// identical requests (the request that completes the quorum is <paramref name="request"/>), or refuses it when
    /// no quorum of identical requests is possible any more.
    /// </summary>
    private void EvaluateCall(LogEntry entry, int index, int service, ReadOnlySpan<byte> request, ulong requestDigest)
    {
        long sequence = entry.Sequence;
        CallVote call = entry.Calls[index];
        int voters = 0;
        int asked = 0;
        int best = 0;
        foreach (ProcessorSlot slot in _slots)
        {
            if (!slot.VotesOn(sequence))
            {
                continue;
            }

            voters++;
            if (!call.HasAsked(slot.Index))
            {
                continue;
            }

            asked++;
            int same = 0;
            foreach (ProcessorSlot other in _slots)
            {
                same += other.VotesOn(sequence) && call.HasAsked(other.Index) && call.RequestOf(other.Index) == call.RequestOf(slot.Index) ? 1 : 0;
            }

            best = Math.Max(best, same);
        }

        if (best >= _quorum && service >= 0 && CountAsking(call, sequence, requestDigest) >= _quorum)
        {
            var key = new ExternalCallKey(sequence, index);
            ExternalCallResult result = ExternalCallResult.Failed;
            bool executed = (uint)service < (uint)_services.Length;
            if (executed)
            {
                result = _services[service].Execute(key, request, call.ResponseBuffer);
                if ((uint)result.Length > (uint)call.ResponseBuffer.Length)
                {
                    QuorumThrowHelper.ThrowCallResponseTooLong(service, result.Length, call.ResponseBuffer.Length);
                }

                Increment(ref _callsExecuted);
            }

            ResolveCall(entry, index, service, result, requestDigest, executed);
            foreach (ProcessorSlot slot in _slots)
            {
                if (slot.VotesOn(sequence) && call.HasAsked(slot.Index) && call.RequestOf(slot.Index) != requestDigest)
                {
                    Dissent(slot, sequence, string.Create(CultureInfo.InvariantCulture, $"its request for external call {index} differs from the quorum's"));
                }
            }
        }
        else if (best + (voters - asked) < _quorum)
        {
            Increment(ref _callsRefused);
            ResolveCall(entry, index, service, ExternalCallResult.Failed, 0, executed: false);
        }
    }

    private int CountAsking(CallVote call, long sequence, ulong digest)
    {
        int count = 0;
        foreach (ProcessorSlot slot in _slots)
        {
            count += slot.VotesOn(sequence) && call.HasAsked(slot.Index) && call.RequestOf(slot.Index) == digest ? 1 : 0;
        }

        return count;
    }

    /// <summary>Records the call's outcome and hands it to every processor that was sent the input.</summary>
    private void ResolveCall(LogEntry entry, int index, int service, ExternalCallResult result, ulong digest, bool executed)
    {
        CallVote call = entry.Calls[index];
        call.Resolve(result, digest, executed);
        _observer?.OnCallResolved(new ExternalCallKey(entry.Sequence, index), service, result, call.Response);
        foreach (ProcessorSlot slot in _slots)
        {
            bool waitsForIt = ReceivesInputs(slot) || slot.State == QuorumProcessorState.Joining;
            if (slot.Streams is not null && waitsForIt && slot.NextSend > entry.Sequence)
            {
                QueueCallResult(slot, entry.Sequence, index, call);
                FlushControl(slot);
            }
        }
    }

    /// <summary>A decided sequence's calls that some processor asked for and no quorum made are refused, so that no
    /// processor waits for them.</summary>
    private void RefuseOpenCalls(LogEntry entry)
    {
        for (int i = 0; i < entry.Calls.Length; i++)
        {
            CallVote call = entry.Calls[i];
            if (call.AnyAsked && !call.Resolved)
            {
                Increment(ref _callsRefused);
                ResolveCall(entry, i, -1, ExternalCallResult.Failed, 0, executed: false);
            }
        }
    }
}
