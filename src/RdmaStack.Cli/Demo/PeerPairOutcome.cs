namespace RdmaStack.Cli.Demo;

/// <summary>What the two peers of a <see cref="PeerPair"/> run left behind.</summary>
/// <param name="ReceiverResult">The receiver's result JSON, or null.</param>
/// <param name="SenderResult">The sender's result JSON, or null.</param>
/// <param name="ReceiverExit">The receiver's exit code (-1 if it was stopped).</param>
/// <param name="SenderExit">The sender's exit code (-1 if it was stopped).</param>
/// <param name="Error">Why the run has no results, or null.</param>
internal sealed record PeerPairOutcome(string? ReceiverResult, string? SenderResult, int ReceiverExit, int SenderExit, string? Error);
