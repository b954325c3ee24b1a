using System.Buffers.Binary;
using System.Globalization;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.ExternalCalls;
using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.Cli.Ha;

/// <summary>
/// The demo's end-to-end check of one run, from what the clients saw alone (their logs), the reference-price ledger and
/// the final servers' state: every acknowledged order must own one record sequence, the records must run 1..N with no
/// gap (N = the final primary's last sequence), and a fresh order book fed the acknowledged orders in record order,
/// with each input's stamp (from its reply) and the ledger's answers, must reproduce every reply byte for byte and end
/// in the servers' state digest. An order acknowledged and then lost by a failover would leave its record sequence to
/// another order (a conflict) or its reply unreproduced; an order executed twice would leave a record no acknowledged
/// order owns.
/// </summary>
internal static class HaAudit
{
    public static HaAuditResult Run(IReadOnlyList<(long ClientId, ClientLog Log)> clients, long lastSequence, SharedReferencePriceService ledger)
    {
        long submitted = 0;
        long acknowledged = 0;
        long unanswered = 0;
        long notProcessed = 0;
        long conflicts = 0;
        string? problem = null;
        var owners = new (long ClientId, ClientLog Log, long ClientSequence)[Math.Max(0, lastSequence) + 1];
        foreach ((long clientId, ClientLog log) in clients)
        {
            for (long sequence = 1; sequence <= log.Count; sequence++)
            {
                submitted++;
                if (!log.IsAnswered(sequence))
                {
                    unanswered++;
                    problem ??= Say($"client {clientId} order {sequence} was never answered");
                    continue;
                }

                if (log.StatusOf(sequence) != ReplyStatus.Processed)
                {
                    notProcessed++;
                    problem ??= Say($"client {clientId} order {sequence} was answered {log.StatusOf(sequence)}");
                    continue;
                }

                acknowledged++;
                long record = log.RecordOf(sequence);
                if (record < 1 || record > lastSequence)
                {
                    conflicts++;
                    problem ??= Say($"client {clientId} order {sequence} names record {record}, past the servers' last ({lastSequence})");
                }
                else if (owners[record].Log is not null)
                {
                    conflicts++;
                    problem ??= Say($"record {record} answered client {owners[record].ClientId} order {owners[record].ClientSequence} and client {clientId} order {sequence}");
                }
                else
                {
                    owners[record] = (clientId, log, sequence);
                }
            }
        }

        long unowned = 0;
        for (long record = 1; record <= lastSequence; record++)
        {
            if (owners[record].Log is null)
            {
                unowned++;
                problem ??= Say($"record {record} belongs to no acknowledged order");
            }
        }

        (long replayed, long mismatches, ulong digest, string? replayProblem) = Replay(owners, lastSequence, ledger);
        return new HaAuditResult(submitted, acknowledged, unanswered + notProcessed + conflicts, unowned, replayed, mismatches, digest, problem ?? replayProblem);
    }

    /// <summary>Feeds the acknowledged orders, in record order, to a fresh book; stops at the first record it cannot feed.</summary>
    private static (long Replayed, long Mismatches, ulong Digest, string? Problem) Replay(
        (long ClientId, ClientLog Log, long ClientSequence)[] owners, long lastSequence, SharedReferencePriceService ledger)
    {
        var engine = new OrderMatchingEngine();
        var calls = new LedgerCalls(ledger);
        byte[] output = new byte[HaSettings.MaxMessage];
        long mismatches = 0;
        string? problem = null;
        long record = 1;
        for (; record <= lastSequence && owners[record].Log is not null; record++)
        {
            (long clientId, ClientLog log, long clientSequence) = owners[record];
            ReadOnlySpan<byte> reply = log.ReplyOf(clientSequence);
            long timestamp = reply.Length == OrderReply.Length ? OrderReply.Read(reply).Timestamp : 0;
            calls.Sequence = record;
            int length = engine.Process(new StampedInput(record, timestamp, clientId, clientSequence, log.RequestOf(clientSequence)), calls, output);
            if (!output.AsSpan(0, length).SequenceEqual(reply))
            {
                mismatches++;
                problem ??= Say($"record {record} (client {clientId} order {clientSequence}): the replay's reply differs from the one the client saw");
            }
        }

        return (record - 1, mismatches, engine.ComputeStateDigest(), problem);
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The external calls of the replay, answered from the ledger: what the service answered (or refused)
    /// for each key, never a new call.</summary>
    private sealed class LedgerCalls(SharedReferencePriceService ledger) : IExternalCalls
    {
        private int _index;
        private long _sequence;

        public long Sequence
        {
            get => _sequence;
            set
            {
                _sequence = value;
                _index = 0;
            }
        }

        public ExternalCallResult Invoke(int service, ReadOnlySpan<byte> request, Span<byte> response)
        {
            var key = new ExternalCallKey(_sequence, _index++);
            if (!ledger.TryGetRecorded(key, out ExternalCallStatus status, out long price))
            {
                return ExternalCallResult.Failed;
            }

            if (status != ExternalCallStatus.Completed)
            {
                return new ExternalCallResult(status, 0);
            }

            BinaryPrimitives.WriteInt64LittleEndian(response, price);
            return ExternalCallResult.Completed(8);
        }
    }
}

/// <summary>What <see cref="HaAudit"/> found.</summary>
/// <param name="Submitted">Orders the clients submitted.</param>
/// <param name="Acknowledged">Orders answered as processed.</param>
/// <param name="Lost">Orders never answered, answered otherwise than processed, or whose record another order also
/// claims (or that is past the servers' last).</param>
/// <param name="ExecutedTwice">Records no acknowledged order owns: inputs executed beyond one per order.</param>
/// <param name="Replayed">Records the replay fed to a fresh book (all of them when nothing is wrong).</param>
/// <param name="Mismatches">Replayed records whose reply differs from the client's.</param>
/// <param name="Digest">The fresh book's state digest after the replay.</param>
/// <param name="FirstProblem">The first thing found wrong, or null.</param>
internal sealed record HaAuditResult(long Submitted, long Acknowledged, long Lost, long ExecutedTwice, long Replayed, long Mismatches, ulong Digest, string? FirstProblem);
