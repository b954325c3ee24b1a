using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RdmaStack.HighAvailability.Quorum;
using RdmaStack.Samples.OrderMatching;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>One client's process: sends its orders with at most --in-flight unanswered, records every reply, says
/// bye once all are answered, and reports.</summary>
internal static class ClientPeer
{
    public static int Run(QuorumRunOptions run, string service, string directory, long clientId, TextWriter console)
    {
        QuorumOptions options = QuorumPeerSettings.Options(run);
        var source = new OrderGenerator(run.Seed + (int)clientId);
        var answers = new ClientAnswers(source, run.Count);
        string? error = null;
        var watch = Stopwatch.StartNew();
        using Fabric fabric = Fabric.Connect(run.Provider.FabricOptions(replicator: false, run.MessageLength, run.LinkTimeout));
        using (QuorumClient client = QuorumClient.Open(fabric, service, clientId, options))
        {
            if (!client.WaitForConnection(run.StartTimeout))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"client {clientId} found no replicator within {run.StartTimeout.TotalSeconds:0} s");
            }
            else
            {
                error = Stream(client, run, answers, source);
                long bye;
                while ((bye = client.SendBye()) < 0 && watch.Elapsed < run.Timeout)
                {
                    client.DoWork();
                    Thread.Sleep(1);
                }
            }
        }

        File.WriteAllBytes(Path.Combine(directory, RunRecords.ClientFile(clientId)), answers.Records.WrittenSpan.ToArray());
        var result = new ClientResult
        {
            ClientId = clientId,
            Sent = run.Count,
            Answered = answers.Answered,
            Agreed = answers.Agreed,
            NoQuorum = answers.NoQuorum,
            Rejected = answers.Rejected,
            Duplicated = answers.Duplicated,
            Unknown = answers.Unknown,
            RoundTrip = LatencySummary.Of(answers.RoundTrip),
            Seconds = watch.Elapsed.TotalSeconds,
            Error = error,
        };
        console.WriteLine(QuorumPeerSettings.ResultPrefix + JsonSerializer.Serialize(result, QuorumJsonContext.Default.ClientResult));
        console.Flush();
        return error is null ? 0 : 1;
    }

    private static string? Stream(QuorumClient client, QuorumRunOptions run, ClientAnswers answers, OrderGenerator source)
    {
        IIdleStrategy idle = QuorumPeerSettings.Options(run).IdleStrategy();
        Span<byte> order = stackalloc byte[OrderRequests.MaxLength];
        long sent = 0;
        int pending = 0;
        long deadline = Stopwatch.GetTimestamp() + (long)(run.Timeout.TotalSeconds * Stopwatch.Frequency);
        while (answers.Answered < run.Count)
        {
            int work = 0;
            if (sent < run.Count && sent - answers.Answered < run.InFlight)
            {
                pending = pending == 0 ? source.Next(order) : pending;
                long sequence = client.Send(order[..pending]);
                if (sequence > 0)
                {
                    answers.Sent(sequence);
                    pending = 0;
                    sent++;
                    work++;
                }
            }

            work += client.Poll(ref answers, 64);
            work += client.DoWork();
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{answers.Answered} of {run.Count} answers within {run.Timeout.TotalSeconds:0} s");
            }

            idle.Idle(work);
        }

        return null;
    }
}
