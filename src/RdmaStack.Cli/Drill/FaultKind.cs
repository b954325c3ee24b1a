namespace RdmaStack.Cli.Drill;

/// <summary>The faults a drill injects into the active link.</summary>
internal enum FaultKind
{
    /// <summary>The link goes down: writes fail, completions report errors (a cable pulled, a port down).</summary>
    Kill,

    /// <summary>One slot lands with a flipped byte; the reader's CRC check finds it.</summary>
    Corrupt,

    /// <summary>One slot never lands; the reader finds the hole from the writer's heartbeat.</summary>
    Drop,
}
