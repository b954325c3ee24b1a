namespace RdmaStack.Cli.Drill;

/// <summary>When the verbs drill takes the active link down: fault i strikes <see cref="Delays"/>[i] after
/// both links are healthy again (the previous victim re-established as the standby), drawn from the seed
/// between <paramref name="MinDelay"/> and <paramref name="MaxDelay"/>. The victim is whichever link is
/// active then, so the faults alternate between the pairs.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="MinDelay">Shortest wait.</param>
/// <param name="MaxDelay">Longest wait.</param>
/// <param name="Delays">One wait per fault.</param>
internal sealed record LinkDownSchedule(int Seed, TimeSpan MinDelay, TimeSpan MaxDelay, IReadOnlyList<TimeSpan> Delays)
{
    public static LinkDownSchedule Create(int seed, int failures, TimeSpan minDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(failures);
        if (minDelay < TimeSpan.Zero || maxDelay < minDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDelay), $"Need 0 <= min delay <= max delay, got {minDelay} and {maxDelay}.");
        }

        var random = new Random(seed);
        var delays = new TimeSpan[failures];
        long span = maxDelay.Ticks - minDelay.Ticks;
        for (int i = 0; i < failures; i++)
        {
            delays[i] = TimeSpan.FromTicks(minDelay.Ticks + random.NextInt64(span + 1));
        }

        return new LinkDownSchedule(seed, minDelay, maxDelay, delays);
    }
}
