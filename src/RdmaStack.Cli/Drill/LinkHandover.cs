namespace RdmaStack.Cli.Drill;

/// <summary>
/// Hands the ends of re-established links from the thread that builds them (a handshake and a connect block
/// for milliseconds) to the hot thread that uses them, which calls ReplaceLink on its own thread. One slot
/// per link: the builder posts an end with its generation and waits until the hot thread has put it in place
/// (<see cref="Installed"/>, after ReplaceLink: only then may the builder free what the old end used); the hot
/// thread takes it without blocking.
/// </summary>
/// <typeparam name="T">A writer or a reader.</typeparam>
internal sealed class LinkHandover<T>(int links)
    where T : class, IDisposable
{
    private readonly Entry?[] _slots = new Entry?[links];
    private readonly int[] _taken = new int[links];

    /// <summary>Number of links.</summary>
    public int Links => _slots.Length;

    /// <summary>Offers <paramref name="end"/> as generation <paramref name="generation"/> of link <paramref name="link"/>.</summary>
    /// <exception cref="InvalidOperationException">An earlier end of the link has not been taken yet.</exception>
    public void Post(int link, T end, int generation)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (Interlocked.CompareExchange(ref _slots[link], new Entry(end, generation), null) is not null)
        {
            throw new InvalidOperationException($"Link {link}: the previous re-established end has not been taken yet.");
        }
    }

    /// <summary>Takes the end posted for <paramref name="link"/>, if any (the hot thread; never blocks).</summary>
    public bool TryTake(int link, out T end, out int generation)
    {
        Entry? entry = Interlocked.Exchange(ref _slots[link], null);
        if (entry is null)
        {
            end = null!;
            generation = 0;
            return false;
        }

        end = entry.End;
        generation = entry.Generation;
        return true;
    }

    /// <summary>The hot thread has put generation <paramref name="generation"/> of <paramref name="link"/> in place
    /// (its ReplaceLink returned): the old end is no longer used.</summary>
    public void Installed(int link, int generation) => Volatile.Write(ref _taken[link], generation);

    /// <summary>The newest generation of <paramref name="link"/> the hot thread has put in place (0: none).</summary>
    public int Taken(int link) => Volatile.Read(ref _taken[link]);

    /// <summary>Waits until the hot thread put generation <paramref name="generation"/> of the link in place.</summary>
    /// <returns>False if it did not within <paramref name="timeout"/> or <paramref name="stop"/> was set.</returns>
    public bool WaitTaken(int link, int generation, TimeSpan timeout, Func<bool> stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Taken(link) < generation)
        {
            if (Environment.TickCount64 > deadline || stop())
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }

    /// <summary>Disposes an end that was posted but never taken (at the end of a run).</summary>
    public void DisposeUntaken()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            Interlocked.Exchange(ref _slots[i], null)?.End.Dispose();
        }
    }

    private sealed record Entry(T End, int Generation);
}
