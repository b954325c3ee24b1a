namespace RdmaStack.Cli.Demo;

/// <summary>The result of one demo run: what each process reported and how it exited.</summary>
internal sealed record DemoOutcome(ReceiverResult? Receiver, SenderResult? Sender, int ReceiverExitCode, int SenderExitCode, string? Error)
{
    /// <summary>The signal that interrupted the run (PeerPair), or 0.</summary>
    public int InterruptSignal { get; init; }

    /// <summary>Messages not delivered (of the stream: the receiver's count; of the ping-pong: pongs that never came).
    /// Only meaningful when <see cref="Receiver"/> reported: without it nothing is known of what arrived.</summary>
    public long Lost => (Receiver?.Lost ?? 0) + (Sender?.PongsLost ?? 0);

    public long Duplicated => Receiver?.Duplicated ?? 0;

    public long OutOfOrder => Receiver?.OutOfOrder ?? 0;

    public long Corrupted => (Receiver?.Corrupted ?? 0) + (Receiver?.PingsCorrupted ?? 0) + (Sender?.PongsCorrupted ?? 0);

    /// <summary>True only when both processes finished, reported, and nothing was lost, duplicated, reordered or corrupted.</summary>
    public bool Passed =>
        Error is null && Receiver is { Error: null } && Sender is { Error: null } &&
        ReceiverExitCode == 0 && SenderExitCode == 0 && Lost == 0 && Duplicated == 0 && OutOfOrder == 0 && Corrupted == 0;
}
