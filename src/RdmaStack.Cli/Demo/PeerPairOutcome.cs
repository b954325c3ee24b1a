namespace RdmaStack.Cli.Demo;

/// <summary>What the two peers of a <see cref="PeerPair"/> run left behind.</summary>
/// <param name="ReceiverResult">The receiver's result JSON, or null.</param>
/// <param name="SenderResult">The sender's result JSON, or null.</param>
/// <param name="ReceiverExit">The receiver's exit code (128 + the signal for one a signal ended).</param>
/// <param name="SenderExit">The sender's exit code.</param>
/// <param name="Error">Why the run has no results or ended early (a signal, a peer that died, the limit), or null.</param>
internal sealed record PeerPairOutcome(string? ReceiverResult, string? SenderResult, int ReceiverExit, int SenderExit, string? Error)
{
    /// <summary>The signal (SIGINT 2, SIGTERM 15, SIGHUP 1) that interrupted the run, or 0.</summary>
    public int InterruptSignal { get; init; }
}
