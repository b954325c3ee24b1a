using System.Runtime.CompilerServices;

namespace RdmaStack;

/// <summary>When the hot thread's calls run a stream's housekeeping (heartbeats, the peer's health, completions) by
/// themselves: once every <see cref="Interval"/> messages, whether they came one a call or a batch a call.</summary>
internal static class Housekeeping
{
    /// <summary>Messages between two runs of the housekeeping that the data path does on its own.</summary>
    public const int Interval = 64;

    /// <summary>Counts <paramref name="messages"/> more (at least 1 a call, so an empty poll loop still keeps the
    /// stream alive) and says whether the count crossed a multiple of <see cref="Interval"/>. A batch counts as its
    /// messages: counted as one call, batches of 1,024 large messages went 64 batches (hundreds of megabytes, tens of
    /// milliseconds) without a heartbeat, and the peer declared a live link dead.</summary>
    /// <param name="since">The stream's running count.</param>
    /// <param name="messages">Messages this call moved (0 counts as 1).</param>
    /// <returns>True when the housekeeping is due.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Due(ref int since, int messages)
    {
        int before = since;
        since = unchecked(before + Math.Max(1, messages));
        return ((before ^ since) & ~(Interval - 1)) != 0;
    }
}
