using RdmaStack.HighAvailability.Sessions;
using RdmaStack.Samples.OrderMatching;
using RdmaStack.Threading;

namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>The test's thread driving a set of clients, each with its order flow: one loop for every replica set.</summary>
internal static class ClientDriver
{
    /// <summary>
    /// Drives every client until each submitted <paramref name="perClient"/> requests in all and has every one
    /// answered; fails if <paramref name="throwIfFailed"/> throws or the deadline passed.
    /// </summary>
    public static void Drive(
        IReadOnlyList<ReplicaClient> clients, IReadOnlyList<OrderFlow> flows, int perClient, TimeSpan deadline, Action throwIfFailed, Func<string> describe)
    {
        var request = new byte[OrderRequests.MaxLength];
        IIdleStrategy idle = IdleStrategy.Backoff(50, 20, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));
        DateTime end = DateTime.UtcNow + deadline;
        while (true)
        {
            int work = 0;
            bool done = true;
            for (int i = 0; i < clients.Count; i++)
            {
                ReplicaClient client = clients[i];
                OrderFlow flow = flows[i];
                work += client.Poll(ref flow);
                while (flow.Submitted < perClient)
                {
                    int length = flow.Next(request);
                    long sequence = client.Submit(request.AsSpan(0, length));
                    if (sequence == 0)
                    {
                        break;
                    }

                    flow.Requests.Add(sequence, request.AsSpan(0, length).ToArray());
                    work++;
                }

                done &= flow.Submitted >= perClient && client.Unanswered == 0;
            }

            throwIfFailed();
            if (done)
            {
                return;
            }

            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"clients not done: unanswered {string.Join(", ", clients.Select(c => c.Unanswered))}; {describe()}");
            }

            idle.Idle(work);
        }
    }
}
