using RdmaStack.Queues;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// How a demo process gets its two queues: an outbound writer and an inbound reader joined to the peer
/// process. One call opens both because a connection-oriented provider (verbs) learns the peer's queue
/// pair and regions for both directions in one handshake; opening them one at a time could deadlock.
/// Open may be called more than once (perf opens a pair of queues per message size); disposing the
/// transport releases what every Open left behind (device contexts, connections).
/// </summary>
internal interface IDemoTransport : IDisposable
{
    /// <summary>Short name for the report ("shared memory", "verbs rxe0").</summary>
    string Description { get; }

    /// <summary>Opens both queues of <paramref name="role"/> ("sender" or "receiver").</summary>
    /// <param name="role">This process's side.</param>
    /// <param name="name">The run's unique name, shared by both processes.</param>
    /// <param name="geometry">Shape of both queues.</param>
    /// <param name="timeout">How long to wait for the peer.</param>
    /// <returns>The writer towards the peer and the reader from it.</returns>
    (SegmentedQueueWriter Outbound, SegmentedQueueReader Inbound) Open(string role, string name, SegmentedQueueGeometry geometry, TimeSpan timeout);
}
